import { z } from 'zod';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { hashedEntryOf } from './chain';
import { csvRow, jsonLine } from './encode';
import { readAuditBatch, readAuditHead, type AuditRow } from './query';

const BATCH = 500;

export const AUDIT_EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

export const auditExportQuerySchema = z.strictObject({ format: z.enum(AUDIT_EXPORT_FORMATS).default('jsonl') });

const CSV_COLUMNS = [
  'seq', 'id', 'occurred_at', 'actor_type', 'actor_id', 'actor_label', 'actor_ref', 'action', 'outcome', 'target_type',
  'target_id', 'ip', 'user_agent', 'request_id', 'metadata', 'personal_digest', 'prev_hash', 'hash', 'erased_at',
];

/**
 * One JSONL record: `entry` is exactly the hashed payload (lib/audit/chain.ts), so
 * sha256(prevHash + canonical_json(entry)) === hash can be checked by anyone holding the file; `personal`
 * holds the erasable fields with the salt that binds them to entry.personalDigest (null once erased).
 */
export function exportRecord(row: AuditRow) {
  return {
    seq: Number(row.seq),
    prevHash: row.prevHash,
    hash: row.hash,
    entry: hashedEntryOf(row),
    personal: {
      actorId: row.actorId,
      actorLabel: row.actorLabel,
      ip: row.ip,
      userAgent: row.userAgent,
      salt: row.personalSalt,
    },
    erasedAt: row.erasedAt ? row.erasedAt.toISOString() : null,
  };
}

function encodeRow(row: AuditRow, format: AuditExportFormat): string {
  if (format === 'jsonl') return jsonLine(exportRecord(row));
  return csvRow([
    Number(row.seq), row.id, row.occurredAt.toISOString(), row.actorType, row.actorId, row.actorLabel, row.actorRef, row.action,
    row.outcome, row.targetType, row.targetId, row.ip, row.userAgent, row.requestId, JSON.stringify(row.metadata),
    row.personalDigest, row.prevHash, row.hash, row.erasedAt ? row.erasedAt.toISOString() : null,
  ]);
}

export interface AuditExport {
  stream: ReadableStream<Uint8Array>;
  contentType: string;
  filename: string;
}

/**
 * Streams the tenant's whole log, oldest first, up to the head as it is now (later appends belong to the next
 * export). Each batch is read in its own short tenant transaction when the consumer asks for more, so memory
 * stays at one batch and no transaction stays open while a slow client downloads.
 */
export async function exportAuditLog(
  tx: Tx,
  scope: { tenantId: string; userId: string | null },
  format: AuditExportFormat,
): Promise<AuditExport> {
  const upTo = (await readAuditHead(tx))?.seq ?? 0;
  const encoder = new TextEncoder();
  let after = 0;
  let headerSent = format !== 'csv';
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(csvRow(CSV_COLUMNS)));
          return;
        }
        const rows = after >= upTo ? [] : await withTenant(scope.tenantId, (t) => readAuditBatch(t, after, upTo, BATCH), { userId: scope.userId });
        if (cancelled) return;
        if (rows.length === 0) {
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(rows.map((r) => encodeRow(r, format)).join('')));
        after = Number(rows[rows.length - 1]?.seq ?? upTo);
      },
      cancel() {
        cancelled = true;
      },
    },
    // Nothing is read until the consumer asks: the first pull must not run while the request's own tenant
    // transaction is still open (on the embedded database that would queue behind it).
    { highWaterMark: 0 },
  );
  const date = new Date().toISOString().slice(0, 10);
  return {
    stream,
    contentType: format === 'jsonl' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8',
    filename: `audit-log-${date}.${format}`,
  };
}
