import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/lib/db/client';
import { accountEmailDeliveries, EMAIL_STATUSES, emailDeliveries } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { hashRecipient } from './crypto';
import type { EmailTemplate } from './messages';

// Where a delivery is recorded: a tenant's email (an invitation) in that tenant's RLS table, inside its tenant
// transaction; an account email in the platform table, over the app's own connection (role app_auth), the named
// path better-auth's tables are reached by.
export type DeliveryRef = { tenantId: null; id: string } | { tenantId: string; id: string };

export const deliverySchema = z
  .object({
    id: z.uuid(),
    template: z.string(),
    status: z.enum(EMAIL_STATUSES),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    sentAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'EmailDelivery' });
export type Delivery = z.infer<typeof deliverySchema>;

type Row = typeof accountEmailDeliveries.$inferSelect;

function toDelivery(r: Row): Delivery {
  return {
    id: r.id,
    template: r.template,
    status: r.status,
    attempts: r.attempts,
    lastError: r.lastError,
    sentAt: r.sentAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

const MAX_ERROR = 500;

export async function recordAccountEmail(template: EmailTemplate, to: string): Promise<string> {
  const db = await getDb();
  const [row] = await db.insert(accountEmailDeliveries).values({ template, recipientHash: hashRecipient(to) }).returning({ id: accountEmailDeliveries.id });
  if (!row) throw new Error('account email was not recorded');
  return row.id;
}

export async function recordTenantEmail(tx: Tx, input: { tenantId: string; template: EmailTemplate; to: string; invitationId?: string }): Promise<string> {
  const [row] = await tx
    .insert(emailDeliveries)
    .values({ tenantId: input.tenantId, template: input.template, recipientHash: hashRecipient(input.to), invitationId: input.invitationId ?? null })
    .returning({ id: emailDeliveries.id });
  if (!row) throw new Error('email was not recorded');
  return row.id;
}

function onRecord<T>(ref: DeliveryRef, fn: (db: Tx | Awaited<ReturnType<typeof getDb>>, table: typeof accountEmailDeliveries | typeof emailDeliveries) => Promise<T>): Promise<T> {
  if (ref.tenantId === null) return getDb().then((db) => fn(db, accountEmailDeliveries));
  return withTenant(ref.tenantId, (tx) => fn(tx, emailDeliveries));
}

export function getDelivery(ref: DeliveryRef): Promise<Delivery | null> {
  return onRecord(ref, async (db, table) => {
    const [row] = await db.select().from(table).where(eq(table.id, ref.id)).limit(1);
    return row ? toDelivery(row) : null;
  });
}

/** One delivery attempt's outcome: sent, or failed and to be retried (`final` false) or given up on. */
export function recordAttempt(ref: DeliveryRef, outcome: { ok: true; messageId: string } | { ok: false; error: string; final: boolean }): Promise<void> {
  return onRecord(ref, async (db, table) => {
    const now = new Date();
    const change = outcome.ok
      ? { status: 'sent' as const, providerMessageId: outcome.messageId.slice(0, 300), lastError: null, sentAt: now }
      : { status: outcome.final ? ('failed' as const) : ('retrying' as const), lastError: outcome.error.slice(0, MAX_ERROR) };
    await db
      .update(table)
      .set({ ...change, attempts: sql`${table.attempts} + 1`, updatedAt: now })
      .where(eq(table.id, ref.id));
  });
}

/** The run gave up (after its last retry, or before it could try): the record says so, with why. */
export function recordGivenUp(ref: DeliveryRef, error: string): Promise<void> {
  return onRecord(ref, async (db, table) => {
    await db
      .update(table)
      .set({ status: 'failed', lastError: error.slice(0, MAX_ERROR), updatedAt: new Date() })
      .where(and(eq(table.id, ref.id), inArray(table.status, ['queued', 'retrying'])));
  });
}

/** Support: the account emails sent to an address, newest first (the address is hashed the same way first). */
export async function listAccountEmails(email: string, limit = 50): Promise<Delivery[]> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(accountEmailDeliveries)
    .where(eq(accountEmailDeliveries.recipientHash, hashRecipient(email)))
    .orderBy(desc(accountEmailDeliveries.createdAt))
    .limit(limit);
  return rows.map(toDelivery);
}

/** The latest delivery of each invitation, for the invitations list. */
export async function latestInvitationEmails(tx: Tx, invitationIds: string[]): Promise<Map<string, Delivery>> {
  if (!invitationIds.length) return new Map();
  const rows = await tx
    .selectDistinctOn([emailDeliveries.invitationId])
    .from(emailDeliveries)
    .where(inArray(emailDeliveries.invitationId, invitationIds))
    .orderBy(emailDeliveries.invitationId, desc(emailDeliveries.createdAt));
  return new Map(rows.flatMap((r) => (r.invitationId ? [[r.invitationId, toDelivery(r)] as const] : [])));
}
