import { z } from 'zod';
import type { Tx } from '@/lib/db/types';
import { entryHash, GENESIS_HASH, hashedEntryOf, personalDigest } from './chain';
import { readAuditBatch, readAuditHead, type AuditRow } from './query';

const BATCH = 1_000;

export const verifyResultSchema = z
  .object({
    ok: z.boolean(),
    checked: z.number().int().describe('Entries checked before the first break (all of them when ok)'),
    pseudonymized: z.number().int().describe('Entries whose personal fields were erased (they still verify)'),
    head: z.object({ seq: z.number().int(), hash: z.string() }).nullable().describe('Keep this hash: it anchors the log'),
    firstBreak: z.object({ seq: z.number().int(), id: z.uuid().nullable(), reason: z.string() }).nullable(),
  })
  .meta({ id: 'AuditVerification' });

export type VerifyResult = z.infer<typeof verifyResultSchema>;
type Break = NonNullable<VerifyResult['firstBreak']>;

function personalBreak(row: AuditRow): string | null {
  const personal = { actorId: row.actorId, actorLabel: row.actorLabel, ip: row.ip, userAgent: row.userAgent };
  if (row.personalSalt) {
    if (row.erasedAt) return 'marked erased but still holds its personal salt';
    return personalDigest(row.personalSalt, personal) === row.personalDigest ? null : 'personal fields (actor, ip, user agent) were modified';
  }
  if (!row.erasedAt) return 'personal salt missing on an entry that was never erased';
  if (Object.values(personal).some((v) => v !== null)) return 'erased entry still holds personal fields';
  return null;
}

function checkRow(row: AuditRow, expectedSeq: number, prevHash: string): Break | null {
  const seq = Number(row.seq);
  if (seq !== expectedSeq) return { seq: expectedSeq, id: row.id, reason: `entry ${expectedSeq} is missing (found ${seq} in its place)` };
  if (row.prevHash !== prevHash) return { seq, id: row.id, reason: 'prev_hash does not match the previous entry' };
  if (entryHash(prevHash, hashedEntryOf(row)) !== row.hash) return { seq, id: row.id, reason: 'hash does not match the entry: it was modified' };
  const personal = personalBreak(row);
  return personal ? { seq, id: row.id, reason: personal } : null;
}

/** Walks the current tenant's chain from seq 1 in batches and reports the first break, if any. */
export async function verifyAuditChain(tx: Tx): Promise<VerifyResult> {
  const head = await readAuditHead(tx);
  let expected = 1;
  let prev = GENESIS_HASH;
  let lastId: string | null = null;
  let pseudonymized = 0;
  const result = (firstBreak: Break | null): VerifyResult => ({ ok: !firstBreak, checked: expected - 1, pseudonymized, head, firstBreak });
  for (;;) {
    const rows = await readAuditBatch(tx, expected - 1, Number.MAX_SAFE_INTEGER, BATCH);
    for (const row of rows) {
      const broken = checkRow(row, expected, prev);
      if (broken) return result(broken);
      if (row.erasedAt) pseudonymized += 1;
      prev = row.hash;
      lastId = row.id;
      expected += 1;
    }
    if (rows.length < BATCH) break;
  }
  const last = expected - 1;
  const headSeq = head?.seq ?? 0;
  if (headSeq > last) return result({ seq: last + 1, id: null, reason: `entries ${last + 1} to ${headSeq} are missing (the head records ${headSeq})` });
  if (headSeq < last) return result({ seq: headSeq + 1, id: null, reason: `entries after ${headSeq} were added behind the chain head` });
  if (head && head.hash !== prev) return result({ seq: last, id: lastId, reason: 'the newest entry does not match the recorded chain head' });
  return result(null);
}
