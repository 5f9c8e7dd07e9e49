import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import * as exportRoute from '@/app/api/v1/audit/export/route';
import { ownerRows } from '../helpers/db';
import { BASE } from '../helpers/http';
import { PEER_ADDRESS_HEADER } from '@/lib/http/request-meta';

export interface StoredAuditRow {
  id: string;
  seq: number;
  action: string;
  outcome: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  actor_ref: string | null;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  metadata: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

// Straight from the table as its owner, past RLS: what is really stored.
export async function storedEntries(tenantId: string): Promise<StoredAuditRow[]> {
  const rows = await ownerRows<StoredAuditRow & { seq: string | number }>(sql`select * from audit_log where tenant_id = ${tenantId} order by seq`);
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

export async function totalEntries(): Promise<number> {
  const [row] = await ownerRows<{ n: string | number }>(sql`select count(*) as n from audit_log`);
  return Number(row?.n ?? 0);
}

// The export as raw text (call() would parse a one-line JSONL file as JSON).
export async function downloadExport(apiKey: string, format: 'jsonl' | 'csv') {
  const res = await exportRoute.GET(
    new Request(`${BASE}/api/v1/audit/export?format=${format}`, { headers: { authorization: `Bearer ${apiKey}`, [PEER_ADDRESS_HEADER]: '10.0.0.1' } }),
    { params: Promise.resolve({}) },
  );
  return { status: res.status, headers: res.headers, body: await res.text() };
}

// ---------------------------------------------------------------------------------------------------------
// An independent verifier, written from the format description alone (lib/audit/chain.ts header and the
// export's record shape), sharing no code with the application: what a third party would write.

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
  const obj = value as Record<string, unknown>;
  return '{' + Object.keys(obj).sort().map((k) => JSON.stringify(k) + ':' + canonical(obj[k])).join(',') + '}';
}

const sha256hex = (s: string) => createHash('sha256').update(Buffer.from(s, 'utf8')).digest('hex');

export interface IndependentResult {
  ok: boolean;
  checked: number;
  lastHash: string;
  firstBreak?: { seq: number; reason: string };
}

export function verifyJsonlIndependently(jsonl: string): IndependentResult {
  const lines = jsonl.split('\n').filter((l) => l.length > 0);
  let prev = '0'.repeat(64);
  let expected = 1;
  for (const line of lines) {
    const rec = JSON.parse(line) as {
      seq: number;
      prevHash: string;
      hash: string;
      entry: Record<string, unknown> & { seq: number; personalDigest: string };
      personal: { actorId: unknown; actorLabel: unknown; ip: unknown; userAgent: unknown; salt: string | null };
    };
    const fail = (reason: string): IndependentResult => ({ ok: false, checked: expected - 1, lastHash: prev, firstBreak: { seq: rec.seq, reason } });
    if (rec.seq !== expected || rec.entry.seq !== expected) return fail('seq');
    if (rec.prevHash !== prev) return fail('prevHash');
    if (sha256hex(prev + canonical(rec.entry)) !== rec.hash) return fail('hash');
    if (rec.personal.salt !== null) {
      const { actorId, actorLabel, ip, userAgent } = rec.personal;
      if (sha256hex(rec.personal.salt + canonical({ actorId, actorLabel, ip, userAgent })) !== rec.entry.personalDigest) return fail('personal');
    }
    prev = rec.hash;
    expected += 1;
  }
  return { ok: true, checked: expected - 1, lastHash: prev };
}

// RFC 4180, written for the test: quoted fields may hold "" and (legally) line breaks; our export must not
// produce the latter, which the caller checks separately.
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
