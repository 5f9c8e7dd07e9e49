import { and, asc, desc, eq, gt, gte, lt, lte, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES, auditHeads, auditLog } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { AppError } from '@/lib/http/errors';

export type AuditRow = typeof auditLog.$inferSelect;

export const auditEntrySchema = z
  .object({
    id: z.uuid(),
    seq: z.number().int(),
    occurredAt: z.iso.datetime(),
    actor: z.object({
      type: z.enum(AUDIT_ACTOR_TYPES),
      id: z.string().nullable(),
      label: z.string().nullable(),
      ref: z.string().nullable(),
    }),
    action: z.string(),
    outcome: z.enum(AUDIT_OUTCOMES),
    target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    requestId: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string(),
    erasedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'AuditEntry' });

export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditFilterSchema = {
  action: z.string().max(100).optional(),
  actor: z.string().max(200).optional().describe('An actor id: a user id or an API key id'),
  targetType: z.string().max(100).optional(),
  target: z.string().max(200).optional().describe('A target id'),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('Inclusive lower bound on occurredAt'),
  to: z.iso.datetime({ offset: true }).optional().describe('Exclusive upper bound on occurredAt'),
};

export const auditListQuerySchema = z.strictObject({
  ...auditFilterSchema,
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export type AuditListQuery = z.infer<typeof auditListQuerySchema>;

export function toAuditEntry(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    seq: Number(r.seq),
    occurredAt: r.occurredAt.toISOString(),
    actor: { type: r.actorType, id: r.actorId, label: r.actorLabel, ref: r.actorRef },
    action: r.action,
    outcome: r.outcome,
    target: r.targetType ? { type: r.targetType, id: r.targetId } : null,
    ip: r.ip,
    userAgent: r.userAgent,
    requestId: r.requestId,
    metadata: r.metadata,
    prevHash: r.prevHash,
    hash: r.hash,
    erasedAt: r.erasedAt ? r.erasedAt.toISOString() : null,
  };
}

const cursorSchema = z.object({ s: z.number().int().min(1) });

function encodeSeqCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ s: seq })).toString('base64url');
}

function decodeSeqCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))).s;
  } catch {
    throw new AppError('bad_request', 'The cursor is not valid; use nextCursor from a previous page');
  }
}

function filterConditions(q: Partial<AuditListQuery>): SQL[] {
  const where: SQL[] = [];
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.actor) where.push(eq(auditLog.actorId, q.actor));
  if (q.targetType) where.push(eq(auditLog.targetType, q.targetType));
  if (q.target) where.push(eq(auditLog.targetId, q.target));
  if (q.outcome) where.push(eq(auditLog.outcome, q.outcome));
  if (q.from) where.push(gte(auditLog.occurredAt, new Date(q.from)));
  if (q.to) where.push(lt(auditLog.occurredAt, new Date(q.to)));
  return where;
}

// Newest first; the cursor is the last seq seen, so pages stay stable while entries are appended.
export async function listAuditEvents(tx: Tx, q: AuditListQuery): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const before = decodeSeqCursor(q.cursor);
  const where = filterConditions(q);
  if (before !== undefined) where.push(lt(auditLog.seq, before));
  const rows = await tx
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.seq))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  return { items: items.map(toAuditEntry), nextCursor: rows.length > q.limit && last ? encodeSeqCursor(Number(last.seq)) : null };
}

// Oldest first, seq in (after, upTo]: the batches export and verify walk.
export async function readAuditBatch(tx: Tx, after: number, upTo: number, size: number): Promise<AuditRow[]> {
  return tx
    .select()
    .from(auditLog)
    .where(and(gt(auditLog.seq, after), lte(auditLog.seq, upTo)))
    .orderBy(asc(auditLog.seq))
    .limit(size);
}

export async function readAuditHead(tx: Tx): Promise<{ seq: number; hash: string } | null> {
  const [head] = await tx.select({ seq: auditHeads.seq, hash: auditHeads.hash }).from(auditHeads).limit(1);
  return head ? { seq: Number(head.seq), hash: head.hash } : null;
}
