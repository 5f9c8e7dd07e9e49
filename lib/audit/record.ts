import { randomBytes, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES, auditHeads, auditLog } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import type { Tx } from '@/lib/db/types';
import { cleanText, toJsonValue, type JsonValue } from './canonical';
import { actorRef, CHAIN_VERSION, entryHash, GENESIS_HASH, personalDigest, type HashedEntry, type PersonalFields } from './chain';

const ACTION_RE = /^[A-Za-z][A-Za-z0-9._:-]{0,99}$/;
const MAX_METADATA_CHARS = 8_192;

export const auditEventInputSchema = z.object({
  /** What happened: an operation id (`updateMember`) or a dotted domain name (`pipeline.escalated`). */
  action: z.string().regex(ACTION_RE, 'action: a letter, then letters, digits and . _ : - (at most 100)'),
  outcome: z.enum(AUDIT_OUTCOMES).default('success'),
  actor: z.object({
    type: z.enum(AUDIT_ACTOR_TYPES),
    /** A user id, an API key id, or a system component name ('platform', 'pipeline'). */
    id: z.string().min(1).max(200).nullable(),
    /** Personal (email or name): stored outside the hash chain and erasable. */
    label: z.string().max(320).nullish(),
  }),
  target: z.object({ type: z.string().regex(ACTION_RE), id: z.string().max(200).nullish() }).nullish(),
  requestId: z.string().max(100).nullish(),
  /** Personal: stored outside the hash chain and erasable. */
  ip: z.string().nullish(),
  /** Personal: stored outside the hash chain and erasable. */
  userAgent: z.string().nullish(),
  /** Hashed and never erasable: ids, counts, codes; no personal data (lib/audit/chain.ts). */
  metadata: z.record(z.string(), z.unknown()).default({}),
});

export type AuditEventInput = z.input<typeof auditEventInputSchema>;

export interface RecordedAuditEvent {
  id: string;
  seq: number;
  hash: string;
}

interface Head {
  tenant_id: string;
  seq: string | number;
  hash: string;
  ref_key: string;
}

// Creates the tenant's head on first use and locks it for the rest of the transaction: appends for one tenant
// queue here, one at a time, so two of them can never claim the same seq or the same prev_hash (no fork).
async function lockHead(tx: Tx): Promise<Head> {
  const [head] = await queryRows<Head>(
    tx,
    sql`insert into audit_heads (tenant_id, seq, hash, ref_key)
        values ((select current_setting('app.tenant_id', true))::uuid, 0, ${GENESIS_HASH}, ${randomBytes(32).toString('hex')})
        on conflict (tenant_id) do update set seq = audit_heads.seq
        returning tenant_id, seq, hash, ref_key`,
  );
  if (!head) throw new Error('recordAuditEvent: the audit head could not be locked (is a tenant selected?)');
  return head;
}

function metadataOf(input: Record<string, unknown>): { [key: string]: JsonValue } {
  const value = toJsonValue(input);
  const metadata = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  if (JSON.stringify(metadata).length > MAX_METADATA_CHARS) {
    return { truncated: true, keys: Object.keys(metadata).slice(0, 50) };
  }
  return metadata;
}

const optionalText = (value: string | null | undefined, max: number): string | null => (value ? cleanText(value, max) : null);

/**
 * Appends one entry to the current tenant's audit log, inside the caller's transaction: if that transaction
 * rolls back, the entry was never written. The tenant is the one withTenant selected. For domain code
 * (escalations, erasures, ...) as much as for the route wrappers.
 */
export async function recordAuditEvent(tx: Tx, input: AuditEventInput): Promise<RecordedAuditEvent> {
  const e = auditEventInputSchema.parse(input);
  const head = await lockHead(tx);
  const seq = Number(head.seq) + 1;
  const id = randomUUID();
  const occurredAt = new Date();
  const personal: PersonalFields = {
    actorId: optionalText(e.actor.id, 200),
    actorLabel: optionalText(e.actor.label, 320),
    ip: optionalText(e.ip, 100),
    userAgent: optionalText(e.userAgent, 512),
  };
  const salt = randomBytes(16).toString('hex');
  const entry: HashedEntry = {
    v: CHAIN_VERSION,
    tenantId: head.tenant_id,
    id,
    seq,
    occurredAt: occurredAt.toISOString(),
    actorType: e.actor.type,
    actorRef: actorRef(head.ref_key, e.actor.type, personal.actorId),
    action: e.action,
    outcome: e.outcome,
    targetType: e.target?.type ?? null,
    targetId: optionalText(e.target?.id, 200),
    requestId: optionalText(e.requestId, 100),
    metadata: metadataOf(e.metadata),
    personalDigest: personalDigest(salt, personal),
  };
  const hash = entryHash(head.hash, entry);
  await tx.insert(auditLog).values({
    tenantId: entry.tenantId,
    id,
    seq,
    occurredAt,
    actorType: e.actor.type,
    actorRef: entry.actorRef,
    action: entry.action,
    outcome: e.outcome,
    targetType: entry.targetType,
    targetId: entry.targetId,
    requestId: entry.requestId,
    metadata: entry.metadata,
    personalDigest: entry.personalDigest,
    prevHash: head.hash,
    hash,
    actorId: personal.actorId,
    actorLabel: personal.actorLabel,
    ip: personal.ip,
    userAgent: personal.userAgent,
    personalSalt: salt,
  });
  await tx.update(auditHeads).set({ seq, hash, updatedAt: occurredAt }).where(eq(auditHeads.tenantId, entry.tenantId));
  return { id, seq, hash };
}

/**
 * GDPR erasure of one actor (a user id) in the current tenant's log: blanks the personal columns of every
 * entry they made. The chain still verifies (lib/audit/chain.ts). Returns the number of entries pseudonymized.
 */
export async function pseudonymizeAuditActor(tx: Tx, actorId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(tx, sql`select reflex_audit_pseudonymize(${actorId}) as n`);
  return Number(row?.n ?? 0);
}
