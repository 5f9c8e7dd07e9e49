import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/lib/db/client';
import { asanaConnections, asanaWebhookDeliveries, integrationConnections } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { isUuid, withTenant } from '@/lib/db/tenant';
import { asanaSyncRequested } from '@/lib/events/integrations';
import { sendEvent } from '@/lib/events/send';
import { AppError, notFound } from '@/lib/http/errors';
import { currentKeyId, decryptToken, encryptToken, keyIdOf } from '@/lib/integrations/crypto';

// Asana's compact events (https://developers.asana.com/docs/webhooks-guide): a resource gid and an action, no data.
const eventsSchema = z.object({
  events: z
    .array(
      z.object({
        action: z.string().max(32),
        resource: z.object({ gid: z.string().min(1).max(64), resource_type: z.string().max(32) }),
        parent: z.object({ gid: z.string().max(64), resource_type: z.string().max(32) }).nullish(),
      }),
    )
    .max(1000),
});

export type WebhookOutcome = { kind: 'handshake'; secret: string } | { kind: 'received'; tasks: number } | { kind: 'duplicate' };

// Sealed like the framework's tokens, bound to this connection: a secret copied to another row does not open.
function secretAad(tenantId: string, connectionId: string): string {
  return `asana-hook-secret:${tenantId}:${connectionId}`;
}

async function tenantOfConnection(connectionId: string): Promise<string | null> {
  if (!isUuid(connectionId)) return null;
  const rows = await queryRows<{ tenant_id: string }>(await getDb(), sql`select tenant_id from reflex_asana_connection_tenant(${connectionId}::uuid)`);
  return rows[0]?.tenant_id ?? null;
}

function signatureMatches(secret: string, body: Uint8Array, signature: string): boolean {
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(signature, 'hex');
  return /^[0-9a-f]+$/i.test(signature) && given.length === expected.length && timingSafeEqual(given, expected);
}

// One delivery to /api/integrations/asana/webhooks/<connectionId>. The first request of a new webhook carries
// X-Hook-Secret (the handshake): accepted only while this connection is waiting for one, i.e. while
// registerAsanaWebhook() has a POST /webhooks in flight. Every later delivery must carry X-Hook-Signature, the
// HMAC-SHA256 of the exact body bytes under that secret.
export async function receiveAsanaWebhook(
  connectionId: string,
  headers: { hookSecret: string | null; signature: string | null },
  body: Uint8Array,
): Promise<WebhookOutcome> {
  const tenantId = await tenantOfConnection(connectionId);
  if (!tenantId) throw notFound('Webhook');

  if (headers.hookSecret !== null) {
    const secret = headers.hookSecret;
    if (secret.length < 16 || secret.length > 256) throw new AppError('bad_request', 'X-Hook-Secret is not a webhook secret');
    const accepted = await withTenant(tenantId, async (tx) => {
      const updated = await tx
        .update(asanaConnections)
        .set({ hookSecret: encryptToken(secret, secretAad(tenantId, connectionId)), updatedAt: new Date() })
        .where(sql`${asanaConnections.connectionId} = ${connectionId} and ${asanaConnections.hookSecret} is null and ${asanaConnections.webhookPendingSince} > now() - interval '2 minutes'`)
        .returning({ id: asanaConnections.connectionId });
      return updated.length > 0;
    });
    if (!accepted) throw new AppError('unauthenticated', 'No webhook handshake is expected for this connection');
    return { kind: 'handshake', secret };
  }

  const { sealed, status } = await withTenant(tenantId, async (tx) => {
    const [c] = await tx
      .select({ hookSecret: asanaConnections.hookSecret, status: integrationConnections.status })
      .from(asanaConnections)
      .innerJoin(integrationConnections, eq(integrationConnections.id, asanaConnections.connectionId))
      .where(eq(asanaConnections.connectionId, connectionId))
      .limit(1);
    return { sealed: c?.hookSecret ?? null, status: c?.status ?? null };
  });
  const secret = sealed ? decryptToken(sealed, secretAad(tenantId, connectionId)) : null;
  if (!sealed || !secret || !headers.signature || !signatureMatches(secret, body, headers.signature)) {
    throw new AppError('unauthenticated', 'Invalid webhook signature');
  }
  // Asana deletes a webhook whose target answers 410: a disconnected connection stops the deliveries for good.
  if (status === 'disconnected') throw new AppError('gone', 'This Asana connection was disconnected');

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new AppError('invalid_json', 'The delivery is not JSON');
  }
  const parsed = eventsSchema.safeParse(json);
  if (!parsed.success) throw new AppError('bad_request', 'The delivery is not a list of Asana events');

  const bodyHash = createHash('sha256').update(body).digest('hex');
  // The key rotation job rewrites the framework's tokens, not this secret: it moves to the current key on its next
  // verified delivery. A project quiet for the whole rotation window loses its webhook; the backstop keeps syncing.
  const reseal = keyIdOf(sealed) === currentKeyId() ? null : encryptToken(secret, secretAad(tenantId, connectionId));
  const fresh = await withTenant(tenantId, async (tx) => {
    if (reseal) await tx.update(asanaConnections).set({ hookSecret: reseal }).where(eq(asanaConnections.connectionId, connectionId));
    const inserted = await tx.insert(asanaWebhookDeliveries).values({ tenantId, connectionId, bodyHash }).onConflictDoNothing().returning({ hash: asanaWebhookDeliveries.bodyHash });
    if (inserted.length > 0) await tx.update(asanaConnections).set({ lastEventAt: new Date() }).where(eq(asanaConnections.connectionId, connectionId));
    return inserted.length > 0;
  });
  if (!fresh) return { kind: 'duplicate' };

  const gids = [...new Set(parsed.data.events.filter((e) => e.resource.resource_type === 'task').map((e) => e.resource.gid))];
  for (let i = 0; i < gids.length; i += 100) {
    await sendEvent(asanaSyncRequested, { tenantId, connectionId, taskGids: gids.slice(i, i + 100), backstop: false }, { id: `asana-delivery-${bodyHash}-${i}` });
  }
  return { kind: 'received', tasks: gids.length };
}
