import { desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { generateToken, hashToken } from '@/lib/auth/api-key-secret';
import { getDb } from '@/lib/db/client';
import { scimTokens } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import type { Tx } from '@/lib/db/types';
import { AppError, notFound } from '@/lib/http/errors';
import { boundedText } from '@/lib/validation/text';

// Per-organization SCIM bearer tokens: 256 bits from the CSPRNG, shown once, kept as a SHA-256 hash (the same
// reasoning as API keys, lib/auth/api-key-secret.ts). The prefix tells them apart from API keys in a leak scan.

export const SCIM_TOKEN_PREFIX = 'rfx_scim_';
const TOKEN_RE = /^rfx_scim_[A-Za-z0-9_-]{43}$/;
const LAST_USED_PRECISION_MS = 60_000;

export const scimTokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().describe('The first characters of the token, to recognise it'),
    createdBy: z.uuid().nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'ScimToken' });

export const createdScimTokenSchema = scimTokenSchema
  .extend({ token: z.string().describe('Shown once. Paste it into the identity provider now: only its hash is kept.') })
  .meta({ id: 'CreatedScimToken' });

export const createScimTokenSchema = z.strictObject({ name: boundedText('Token name', 80) });

type Row = typeof scimTokens.$inferSelect;

function toScimToken(r: Row): z.infer<typeof scimTokenSchema> {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdBy: r.createdBy,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

export async function createScimToken(tx: Tx, input: { tenantId: string; name: string; createdBy: string | null }) {
  const token = `${SCIM_TOKEN_PREFIX}${generateToken()}`;
  const [row] = await tx
    .insert(scimTokens)
    .values({ tenantId: input.tenantId, name: input.name, prefix: token.slice(0, 14), tokenHash: hashToken(token), createdBy: input.createdBy })
    .returning();
  if (!row) throw new AppError('internal', 'SCIM token was not created');
  return { ...toScimToken(row), token };
}

export async function listScimTokens(tx: Tx) {
  const rows = await tx.select().from(scimTokens).orderBy(desc(scimTokens.createdAt), desc(scimTokens.id)).limit(100);
  return { items: rows.map(toScimToken), nextCursor: null };
}

export async function revokeScimToken(tx: Tx, id: string) {
  const [row] = await tx
    .update(scimTokens)
    .set({ revokedAt: sql`coalesce(${scimTokens.revokedAt}, now())`, updatedAt: new Date() })
    .where(eq(scimTokens.id, id))
    .returning();
  if (!row) throw notFound('SCIM token');
  return toScimToken(row);
}

/** The tenant of a token, before any tenant is known: the named definer lookup (drizzle/*_scim_custom.sql). */
export async function resolveScimToken(token: string): Promise<{ tokenId: string; tenantId: string } | null> {
  if (!TOKEN_RE.test(token)) return null;
  const [row] = await queryRows<{ token_id: string; tenant_id: string }>(
    await getDb(),
    sql`select token_id, tenant_id from reflex_resolve_scim_token(${hashToken(token)})`,
  );
  return row ? { tokenId: row.token_id, tenantId: row.tenant_id } : null;
}

/**
 * Inside the tenant transaction: the token is still live (a revocation between the lookup and now counts), and its
 * last use is recorded (to the minute, so that a sync of a thousand users is not a thousand writes).
 */
export async function touchScimToken(tx: Tx, tokenId: string): Promise<{ name: string } | null> {
  const [row] = await tx.select().from(scimTokens).where(eq(scimTokens.id, tokenId)).limit(1);
  if (!row || row.revokedAt) return null;
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await tx.update(scimTokens).set({ lastUsedAt: new Date(now) }).where(eq(scimTokens.id, tokenId));
  }
  return { name: row.name };
}
