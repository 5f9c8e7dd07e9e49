/**
 * The audit log's hash chain, and how it survives GDPR erasure.
 *
 * Chain. Each tenant has its own chain: entries are numbered seq = 1, 2, 3, ... and
 *     hash = sha256_hex( utf8( prev_hash || canonical_json(entry) ) )
 * where prev_hash is the previous entry's hash (GENESIS_HASH, 64 zeros, for seq 1), `||` is string
 * concatenation, canonical_json is defined in lib/audit/canonical.ts, and `entry` is exactly these fields
 * (the export's `entry` object, so a third party can recompute every hash from a JSONL export alone):
 *     { v, tenantId, id, seq, occurredAt, actorType, actorRef, action, outcome, targetType, targetId,
 *       requestId, metadata, personalDigest }
 * Editing any of them, reordering, or deleting an entry breaks the chain at that entry; deleting the newest
 * entries is caught by the per-tenant head row (audit_heads), which records the last seq and hash. Someone who
 * can write the table AND rewrite every later hash AND the head (the database owner) is caught only by a head
 * hash kept outside the database: /verify returns it, so an auditor can keep it and compare later.
 *
 * Erasure without breaking the chain. Personal data never enters the hashed entry. It lives in separate
 * columns: actor_id, actor_label (email or name), ip and user_agent. The entry carries instead:
 *  - actorRef = HMAC-SHA256(tenant ref key, actorType + ':' + actorId): a keyed pseudonym, so "the same actor
 *    did A and B" still holds after erasure, but it cannot be reversed without the tenant's key (which stays in
 *    audit_heads, readable only inside the tenant), and a guessed id cannot be confirmed without it either;
 *  - personalDigest = sha256_hex( utf8( salt || canonical_json({actorId, actorLabel, ip, userAgent}) ) ) with
 *    a random 128-bit salt stored in personal_salt: it makes the personal columns tamper-evident too, while
 *    they exist, yet it reveals nothing about them once erased (the salt defeats guessing an IP or an email).
 * Erasure (reflex_audit_pseudonymize, lib/audit/record.ts) blanks the personal columns and the salt and sets
 * erased_at. The hashed entry is untouched, so every hash still verifies; verify counts such rows as
 * pseudonymized and checks that an erased row really holds no personal data.
 *
 * Rule for callers: metadata, targetId and action are hashed and can never be erased, so they must not hold
 * personal data (no emails, names, IPs, free text typed by a user); refer to records by id.
 */
import { createHash, createHmac } from 'node:crypto';
import { canonicalJson, type JsonValue } from './canonical';

export const CHAIN_VERSION = 1;
export const GENESIS_HASH = '0'.repeat(64);

export interface HashedEntry {
  v: number;
  tenantId: string;
  id: string;
  seq: number;
  occurredAt: string;
  actorType: string;
  actorRef: string | null;
  action: string;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  metadata: { [key: string]: JsonValue };
  personalDigest: string;
}

export interface PersonalFields {
  actorId: string | null;
  actorLabel: string | null;
  ip: string | null;
  userAgent: string | null;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export function entryHash(prevHash: string, entry: HashedEntry): string {
  return sha256(prevHash + canonicalJson({ ...entry }));
}

export function personalDigest(salt: string, personal: PersonalFields): string {
  return sha256(salt + canonicalJson({ ...personal }));
}

export function actorRef(refKey: string, actorType: string, actorId: string | null): string | null {
  if (!actorId) return null;
  return createHmac('sha256', refKey).update(`${actorType}:${actorId}`, 'utf8').digest('hex');
}

// The hashed entry of a stored row, as verify and export rebuild it.
export function hashedEntryOf(row: {
  tenantId: string;
  id: string;
  seq: number;
  occurredAt: Date;
  actorType: string;
  actorRef: string | null;
  action: string;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  metadata: Record<string, unknown>;
  personalDigest: string;
}): HashedEntry {
  const metadata = row.metadata as { [key: string]: JsonValue }; // jsonb yields JSON values only
  return {
    v: CHAIN_VERSION,
    tenantId: row.tenantId,
    id: row.id,
    seq: Number(row.seq),
    occurredAt: row.occurredAt.toISOString(),
    actorType: row.actorType,
    actorRef: row.actorRef,
    action: row.action,
    outcome: row.outcome,
    targetType: row.targetType,
    targetId: row.targetId,
    requestId: row.requestId,
    metadata,
    personalDigest: row.personalDigest,
  };
}
