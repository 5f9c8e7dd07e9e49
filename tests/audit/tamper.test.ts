import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import * as verifyRoute from '@/app/api/v1/audit/verify/route';
import { pseudonymizeAuditActor, recordAuditEvent } from '@/lib/audit/record';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { attempt, closeOwnerDb, inTenantRolledBack, INSUFFICIENT_PRIVILEGE, ownerRows, sqlState } from '../helpers/db';
import { call, provision } from '../helpers/http';
import { downloadExport, storedEntries, verifyJsonlIndependently } from './audit-helpers';

const USER_A = '00000000-0000-4000-8000-00000000000a';
const USER_B = '00000000-0000-4000-8000-00000000000b';

// A tenant with five entries from two actors, with personal fields.
async function tenantWithFiveEntries() {
  const t = await provision();
  await withTenant(t.tenantId, async (tx) => {
    for (let i = 1; i <= 5; i++) {
      const user = i % 2 ? USER_A : USER_B;
      await recordAuditEvent(tx, {
        action: `test.step${i}`,
        actor: { type: 'user', id: user, label: `${user === USER_A ? 'alice' : 'bob'}@example.test` },
        target: { type: 'thing', id: `thing-${i}` },
        ip: `192.0.2.${i}`,
        userAgent: 'tamper-test',
        metadata: { n: i, nested: { list: [1, 'two', null] } },
      });
    }
  });
  return t;
}

async function verify(t: { apiKey: string }) {
  const res = await call(verifyRoute.GET, { path: '/api/v1/audit/verify', as: { apiKey: t.apiKey } });
  expect(res.status).toBe(200);
  return res.body;
}

// Tampering as the table's owner (a superuser), outside the application's role, in one statement.
const asOwner = (query: ReturnType<typeof sql>) => ownerRows(query);

describe('the audit log is append-only for the application', () => {
  afterAll(() => closeOwnerDb());

  it('app_user can insert and read but cannot UPDATE, DELETE or TRUNCATE', async () => {
    const t = await tenantWithFiveEntries();
    for (const statement of [sql`update audit_log set action = 'x'`, sql`delete from audit_log`, sql`truncate audit_log`]) {
      const outcome = await inTenantRolledBack(t.tenantId, (tx) => attempt(queryRows(tx, statement)));
      expect(outcome.ok).toBe(false);
      expect(sqlState(outcome.ok ? null : outcome.error)).toBe(INSUFFICIENT_PRIVILEGE);
    }
    const readable = await inTenantRolledBack(t.tenantId, (tx) => queryRows<{ n: string }>(tx, sql`select count(*) as n from audit_log`));
    expect(Number(readable[0]?.n)).toBe(5);
    const grants = await asOwner(sql`select privilege_type from information_schema.role_table_grants where table_name = 'audit_log' and grantee = 'app_user' order by 1`);
    expect(grants.map((g) => (g as { privilege_type: string }).privilege_type)).toEqual(['INSERT', 'SELECT']);
  });

  it('an untouched chain verifies', async () => {
    const t = await tenantWithFiveEntries();
    const result = await verify(t);
    expect(result).toMatchObject({ ok: true, checked: 5, firstBreak: null, head: { seq: 5 } });
  });
});

describe('tampering as the table owner is reported at the row it touched', () => {
  afterAll(() => closeOwnerDb());

  const cases: { name: string; seq: number; tamper: (tenantId: string) => ReturnType<typeof sql>; reason: RegExp }[] = [
    { name: 'editing a hashed field (action)', seq: 3, tamper: (id) => sql`update audit_log set action = 'test.innocent' where tenant_id = ${id} and seq = 3`, reason: /modified/ },
    { name: 'editing the metadata', seq: 4, tamper: (id) => sql`update audit_log set metadata = '{"n": 40}' where tenant_id = ${id} and seq = 4`, reason: /modified/ },
    { name: 'editing the time', seq: 1, tamper: (id) => sql`update audit_log set occurred_at = occurred_at - interval '1 day' where tenant_id = ${id} and seq = 1`, reason: /modified/ },
    { name: 'editing a personal field (ip)', seq: 2, tamper: (id) => sql`update audit_log set ip = '10.6.6.6' where tenant_id = ${id} and seq = 2`, reason: /personal fields/ },
    { name: 'editing the actor label', seq: 5, tamper: (id) => sql`update audit_log set actor_label = 'mallory@example.test' where tenant_id = ${id} and seq = 5`, reason: /personal fields/ },
    { name: 'faking an erasure of one row', seq: 2, tamper: (id) => sql`update audit_log set personal_salt = null, erased_at = now() where tenant_id = ${id} and seq = 2`, reason: /erased entry still holds/ },
    { name: 'replacing a stored hash', seq: 2, tamper: (id) => sql`update audit_log set hash = repeat('a', 64) where tenant_id = ${id} and seq = 2`, reason: /modified/ },
    { name: 'deleting a row in the middle', seq: 3, tamper: (id) => sql`delete from audit_log where tenant_id = ${id} and seq = 3`, reason: /entry 3 is missing/ },
    { name: 'deleting the first row', seq: 1, tamper: (id) => sql`delete from audit_log where tenant_id = ${id} and seq = 1`, reason: /entry 1 is missing/ },
    { name: 'deleting the newest row', seq: 5, tamper: (id) => sql`delete from audit_log where tenant_id = ${id} and seq = 5`, reason: /missing \(the head records 5\)/ },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const t = await tenantWithFiveEntries();
      const target = (await storedEntries(t.tenantId)).find((e) => e.seq === c.seq);
      await asOwner(c.tamper(t.tenantId));
      const result = await verify(t);
      expect(result.ok).toBe(false);
      expect(result.firstBreak.seq).toBe(c.seq);
      expect(result.firstBreak.reason).toMatch(c.reason);
      if (!/delet/.test(c.name)) expect(result.firstBreak.id).toBe(target?.id);
    });
  }

  it('rewriting every later hash after an edit is still caught, by the recorded head', async () => {
    const t = await tenantWithFiveEntries();
    await asOwner(sql`update audit_log set action = 'test.innocent' where tenant_id = ${t.tenantId} and seq = 2`);
    // Recompute hashes from seq 2 on, the way an insider who read lib/audit/chain.ts would.
    const exported = await downloadExport(t.apiKey, 'jsonl');
    const records = exported.body.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    let prev = records[0].hash as string;
    const canonical = (v: unknown): string =>
      v === null || typeof v !== 'object'
        ? JSON.stringify(v)
        : Array.isArray(v)
          ? `[${v.map(canonical).join(',')}]`
          : `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
    for (const r of records.slice(1)) {
      if (r.seq === 2) r.entry.action = 'test.innocent';
      const hash = createHash('sha256').update(prev + canonical(r.entry)).digest('hex');
      await asOwner(sql`update audit_log set prev_hash = ${prev}, hash = ${hash} where tenant_id = ${t.tenantId} and seq = ${r.seq}`);
      prev = hash;
    }
    const result = await verify(t);
    expect(result.ok).toBe(false);
    expect(result.firstBreak).toMatchObject({ seq: 5, reason: expect.stringMatching(/chain head/) });
  });

  it('an entry appended behind the head (even with a valid hash) is caught', async () => {
    const t = await tenantWithFiveEntries();
    const [last] = (await storedEntries(t.tenantId)).slice(-1);
    await asOwner(sql`insert into audit_log (tenant_id, id, seq, occurred_at, actor_type, action, outcome, personal_digest, prev_hash, hash)
      values (${t.tenantId}, gen_random_uuid(), 6, now(), 'system', 'test.forged', 'success', 'x', ${last?.hash ?? ''}, repeat('b', 64))`);
    const result = await verify(t);
    expect(result.ok).toBe(false);
    expect(result.firstBreak.seq).toBe(6);
  });
});

describe('GDPR erasure pseudonymizes without breaking the chain', () => {
  afterAll(() => closeOwnerDb());

  it('blanks one actor’s personal fields; verify and an independent verifier still pass', async () => {
    const t = await tenantWithFiveEntries();
    const before = await storedEntries(t.tenantId);
    const erased = await withTenant(t.tenantId, (tx) => pseudonymizeAuditActor(tx, USER_A));
    expect(erased).toBe(3);
    const after = await storedEntries(t.tenantId);
    for (const row of after) {
      const was = before.find((b) => b.id === row.id);
      if (was?.actor_id === USER_A) {
        expect([row.actor_id, row.actor_label, row.ip, row.user_agent]).toEqual([null, null, null, null]);
        expect(row.actor_ref).toBe(was.actor_ref);
      } else {
        expect(row.actor_label).toBe('bob@example.test');
      }
      expect(row.hash).toBe(was?.hash);
    }
    // Entries of the same (now erased) actor stay linkable through the keyed reference.
    expect(new Set(after.filter((r) => r.actor_id === null).map((r) => r.actor_ref)).size).toBe(1);
    const result = await verify(t);
    expect(result).toMatchObject({ ok: true, checked: 5, pseudonymized: 3 });
    const exported = await downloadExport(t.apiKey, 'jsonl');
    expect(verifyJsonlIndependently(exported.body)).toMatchObject({ ok: true, checked: 5 });
    expect(exported.body).not.toContain('alice@example.test');
  });

  it('cannot reach another tenant', async () => {
    const a = await tenantWithFiveEntries();
    const b = await provision();
    expect(await withTenant(b.tenantId, (tx) => pseudonymizeAuditActor(tx, USER_A))).toBe(0);
    expect((await storedEntries(a.tenantId)).filter((r) => r.actor_id === USER_A)).toHaveLength(3);
  });
});
