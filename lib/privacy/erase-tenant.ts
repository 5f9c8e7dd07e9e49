import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { purgeTenantHistory } from '@/lib/pipelines/run-history';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { asAuthRole } from '@/lib/db/auth-role';
import { session, tenants } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { getEnv } from '@/lib/env';
import { conflict, notFound } from '@/lib/http/errors';
import { revokeTenantConnections } from '@/lib/integrations/erasure';
import { logger } from '@/lib/log';
import { deleteTenantBlobs } from '@/lib/storage';

export const CONFIRMATION_TTL_MS = 10 * 60 * 1000;

export const tenantErasureBodySchema = z.strictObject({ confirm: z.string().min(1).max(200) });

export const tenantErasureChallengeSchema = z
  .object({
    confirm: z.string().describe('Send it back as {"confirm": ...} within 10 minutes to erase the organization'),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'TenantErasureChallenge' });

// Without BETTER_AUTH_SECRET (embedded development only: production requires it) tokens are signed with a key
// that lives as long as the process, which is all a ten-minute confirmation needs.
let processKey: string | undefined;
function signingKey(): string {
  const configured = getEnv().BETTER_AUTH_SECRET;
  if (configured) return configured;
  processKey ??= randomBytes(32).toString('hex');
  return processKey;
}

function mac(tenantId: string, expiresAtMs: number): string {
  return createHmac('sha256', signingKey()).update(`tenant-erasure:${tenantId.toLowerCase()}:${expiresAtMs}`, 'utf8').digest('base64url');
}

/** A confirmation token bound to this tenant and an expiry: `<expiry ms>.<HMAC>`. Nothing is stored. */
export function issueTenantErasureToken(tenantId: string, now = Date.now()): z.infer<typeof tenantErasureChallengeSchema> {
  const expiresAtMs = now + CONFIRMATION_TTL_MS;
  return { confirm: `${expiresAtMs}.${mac(tenantId, expiresAtMs)}`, expiresAt: new Date(expiresAtMs).toISOString() };
}

export function assertTenantErasureToken(tenantId: string, token: string, now = Date.now()): void {
  const refused = conflict('The confirmation token is invalid or has expired; request a new one with an empty DELETE');
  const match = /^(\d{13,16})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match?.[1] || !match[2]) throw refused;
  const expiresAtMs = Number(match[1]);
  const given = Buffer.from(match[2], 'utf8');
  const expected = Buffer.from(mac(tenantId, expiresAtMs), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused;
  if (expiresAtMs <= now || expiresAtMs > now + CONFIRMATION_TTL_MS) throw refused;
}

/**
 * Erases a whole tenant, in a transaction of its own that must start after the request's one committed: its
 * files first (if they cannot be deleted the rows stay, and the owner can confirm again), then the tenant row,
 * which every tenant table cascades from, its audit log included. Nothing is written to the tenant afterwards;
 * the platform log keeps the record.
 *
 * Files go by the tenant's storage prefix, not by the rows that name them: export archives, their section parts
 * and anything a crashed job left are found by no row once the tenant is gone (the hourly export purge looks
 * them up through privacy_exports, which the erasure deletes).
 */
export async function eraseTenant(tenantId: string, requestId: string): Promise<void> {
  // Provider grants first, while the tokens are still here to name them (a round trip: no transaction is open).
  const integrationsRevoked = await revokeTenantConnections(tenantId);
  const blobs = await withTenant(tenantId, async (tx) => {
    const [exists] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId));
    if (!exists) throw notFound('Organization');
    const deleted = await deleteTenantBlobs(tenantId);
    // A browser still "working in" the tenant falls back to another one on its next request.
    await asAuthRole(tx, (authTx) => authTx.update(session).set({ activeTenantId: null }).where(eq(session.activeTenantId, tenantId)));
    const gone = await tx.delete(tenants).where(eq(tenants.id, tenantId)).returning({ id: tenants.id });
    if (gone.length === 0) throw notFound('Organization');
    return deleted;
  });
  // A pipeline step that was writing (an export part, an upload) while the rows went may have stored one more
  // file: sweep the prefix again now that nothing of the tenant remains to write for.
  const late = await deleteTenantBlobs(tenantId).catch((err: unknown) => {
    logger.error('platform: blobs left after tenant erasure', { tenantId, requestId, error: err instanceof Error ? err.message : String(err) });
    return 0;
  });
  // Pipeline history outside the tenant tables (the embedded runner's platform tables) goes too.
  const history = await purgeTenantHistory(tenantId);
  logger.info('platform: tenant erased', { tenantId, requestId, integrationsRevoked, blobsDeleted: blobs + late, runsDeleted: history.runs, eventsDeleted: history.events });
}
