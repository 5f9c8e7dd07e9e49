import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { generateApiKeySecret } from '@/lib/auth/api-key-secret';
import { permissionSchema, type Permission } from '@/lib/auth/permissions';
import { apiKeys } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { AppError, badRequest, notFound } from '@/lib/http/errors';
import { decodeCursor, toPage } from '@/lib/http/pagination';
import { boundedText, LIMITS } from '@/lib/validation/text';
import type { Access } from './access';
import { assertGrantable } from './roles';

export const apiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(permissionSchema),
    createdBy: z.uuid().nullable(),
    parentKeyId: z.uuid().nullable().describe('The API key that created this one, if a key did; revoking it revokes this one'),
    expiresAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'ApiKey' });

export const createdApiKeySchema = apiKeySchema
  .extend({ secret: z.string().describe('Shown once. Store it now: only its hash is kept.') })
  .meta({ id: 'CreatedApiKey' });

export const createApiKeySchema = z.strictObject({
  name: boundedText('Key name', LIMITS.apiKeyName),
  scopes: z.array(permissionSchema).min(1).max(50),
  expiresAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe("When a key creates a key, it defaults to, and may not be later than, the creating key's own expiry"),
});

type Row = typeof apiKeys.$inferSelect;

function toApiKey(r: Row): z.infer<typeof apiKeySchema> {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: r.scopes.filter((s): s is Permission => permissionSchema.safeParse(s).success),
    createdBy: r.createdBy,
    parentKeyId: r.parentKeyId,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

export async function insertApiKey(
  tx: Tx,
  input: { tenantId: string; name: string; scopes: readonly Permission[]; createdBy: string | null; parentKeyId?: string; expiresAt?: Date },
) {
  const { secret, prefix, hash } = generateApiKeySecret();
  const [row] = await tx
    .insert(apiKeys)
    .values({
      tenantId: input.tenantId,
      name: input.name,
      prefix,
      keyHash: hash,
      scopes: [...new Set(input.scopes)],
      createdBy: input.createdBy,
      parentKeyId: input.parentKeyId,
      expiresAt: input.expiresAt,
    })
    .returning();
  if (!row) throw new AppError('internal', 'API key was not created');
  return { ...toApiKey(row), secret };
}

// A key created by a key cannot outlive it: no expiry means the parent's, and a later one is refused.
async function expiryFor(tx: Tx, access: Access, requested: Date | undefined): Promise<{ parentKeyId?: string; expiresAt?: Date }> {
  if (access.actor.type !== 'apiKey') return { expiresAt: requested };
  const parentKeyId = access.actor.keyId;
  const [parent] = await tx.select({ expiresAt: apiKeys.expiresAt }).from(apiKeys).where(eq(apiKeys.id, parentKeyId)).limit(1);
  const cap = parent?.expiresAt ?? undefined;
  if (cap && requested && requested.getTime() > cap.getTime()) {
    throw new AppError('validation_failed', `Invalid request body: expiresAt: a key cannot outlive the key that creates it (${cap.toISOString()})`, {
      details: { issues: [{ path: 'expiresAt', message: `must not be later than ${cap.toISOString()}` }] },
    });
  }
  return { parentKeyId, expiresAt: requested ?? cap };
}

export async function createApiKey(tx: Tx, access: Access, input: z.infer<typeof createApiKeySchema>) {
  assertGrantable(access, input.scopes, { scopes: true });
  const requested = input.expiresAt ? new Date(input.expiresAt) : undefined;
  if (requested && requested.getTime() <= Date.now()) throw badRequest('expiresAt must be in the future');
  const { parentKeyId, expiresAt } = await expiryFor(tx, access, requested);
  return insertApiKey(tx, {
    tenantId: access.tenantId,
    name: input.name,
    scopes: input.scopes,
    createdBy: access.actor.userId,
    parentKeyId,
    expiresAt,
  });
}

export async function listApiKeys(tx: Tx, page: { cursor?: string; limit: number }) {
  const c = decodeCursor(page.cursor);
  const where = c ? or(lt(apiKeys.createdAt, new Date(c.t)), and(eq(apiKeys.createdAt, new Date(c.t)), lt(apiKeys.id, c.id))) : undefined;
  const rows = await tx.select().from(apiKeys).where(where).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).limit(page.limit + 1);
  const { items, nextCursor } = toPage(rows, page.limit);
  return { items: items.map(toApiKey), nextCursor };
}

// Revoking a key revokes every key it created, and theirs, in the same transaction.
export async function revokeApiKey(tx: Tx, id: string) {
  const [row] = await tx.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
  if (!row) throw notFound('API key');
  const now = new Date();
  await tx.execute(sql`
    with recursive tree(id) as (
      select ${id}::uuid
      union
      select k.id from api_keys k join tree on k.parent_key_id = tree.id
    )
    update api_keys set revoked_at = ${now.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
    where id in (select id from tree) and revoked_at is null`);
  const [updated] = await tx.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
  if (!updated) throw notFound('API key');
  return toApiKey(updated);
}
