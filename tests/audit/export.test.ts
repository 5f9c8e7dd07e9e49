import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as exportRoute from '@/app/api/v1/audit/export/route';
import * as auditRoute from '@/app/api/v1/audit/route';
import * as verifyRoute from '@/app/api/v1/audit/verify/route';
import * as rolesRoute from '@/app/api/v1/roles/route';
import * as tenantsRoute from '@/app/api/v1/tenants/route';
import { recordAuditEvent } from '@/lib/audit/record';
import { withTenant } from '@/lib/db/tenant';
import { closeOwnerDb } from '../helpers/db';
import { BASE, call, provision, signUp } from '../helpers/http';
import { downloadExport, parseCsv, storedEntries, verifyJsonlIndependently } from './audit-helpers';

// Values an attacker can get into an audit entry (a user agent, a forwarded-for header, a name, an id).
const NASTY = [
  'line one\nline two',
  'cr\rlf\r\n{"seq":999,"hash":"forged"}',
  '"quoted", with comma',
  "=cmd|' /C calc'!A0",
  '+SUM(1,2)',
  '-2+3',
  '@A1',
  '\t=tab first',
  'unicode\u2028line\u2029para\u0085nel',
  'back\\slash \\n not a newline',
  '\uFF1Dfullwidth',
];
// What PostgreSQL cannot store, cleaned before hashing.
const UNSTORABLE = { nul: 'a\u0000b', surrogate: 'x\uD800y' };

const ANY_LINE_BREAK = /\r\n|\r|\n|\u000b|\u000c|\u001c|\u001d|\u001e|\u0085|\u2028|\u2029/;

const download = downloadExport;

describe('audit export and verification', () => {
  let a: Awaited<ReturnType<typeof provision>>;
  let b: Awaited<ReturnType<typeof provision>>;

  beforeAll(async () => {
    a = await provision();
    b = await provision();
    await withTenant(a.tenantId, async (tx) => {
      for (const [i, value] of NASTY.entries()) {
        await recordAuditEvent(tx, {
          action: 'test.nasty',
          actor: { type: 'user', id: `actor-${i}`, label: value },
          target: { type: 'thing', id: value },
          ip: value,
          userAgent: value,
          metadata: { value, [value]: 'as a key', list: [value] },
        });
      }
      await recordAuditEvent(tx, { action: 'test.unstorable', actor: { type: 'system', id: 'test' }, userAgent: UNSTORABLE.nul, metadata: UNSTORABLE });
    });
    // And through HTTP: headers chosen by the caller.
    const viaHttp = await call(rolesRoute.POST, {
      method: 'POST',
      path: '/api/v1/roles',
      as: { apiKey: a.apiKey },
      headers: { 'user-agent': "=cmd|' /C calc'!A0", 'x-forwarded-for': '"=1+1", 10.0.0.9' },
      body: { name: 'Export role', permissions: ['audit:read'] },
    });
    expect(viaHttp.status).toBe(201);
    await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', as: { apiKey: b.apiKey }, body: { name: 'B role', permissions: ['audit:read'] } });
  });

  afterAll(() => closeOwnerDb());

  it('JSONL: one physical line per entry whatever the values, and every value comes back intact', async () => {
    const res = await download(a.apiKey, 'jsonl');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.jsonl"$/);
    const text = String(res.body);
    const stored = await storedEntries(a.tenantId);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(stored.length);
    // No character any line-splitter could break on survives raw inside a record.
    for (const line of lines) expect(line).not.toMatch(ANY_LINE_BREAK);
    const records = lines.map((l) => JSON.parse(l));
    for (const [i, value] of NASTY.entries()) {
      const r = records[i];
      expect(r.seq).toBe(i + 1);
      expect([r.personal.actorLabel, r.personal.ip, r.personal.userAgent, r.entry.targetId]).toEqual([value, value, value, value]);
      expect(r.entry.metadata).toEqual({ value, [value]: 'as a key', list: [value] });
    }
    const unstorable = records[NASTY.length];
    expect(unstorable.entry.metadata).toEqual({ nul: 'ab', surrogate: 'x\uFFFDy' });
    expect(unstorable.personal.userAgent).toBe('ab');
  });

  it('an independent verifier rebuilds every hash from the JSONL alone and ends at the head /verify reports', async () => {
    const text = String((await download(a.apiKey, 'jsonl')).body);
    const independent = verifyJsonlIndependently(text);
    const verified = (await call(verifyRoute.GET, { path: '/api/v1/audit/verify', as: { apiKey: a.apiKey } })).body;
    expect(verified.ok).toBe(true);
    expect(independent).toMatchObject({ ok: true, checked: verified.checked, lastHash: verified.head.hash });
    // The verifier is not a rubber stamp: one changed value in one record is caught there.
    const lines = text.trimEnd().split('\n');
    const third = JSON.parse(lines[2] ?? '{}');
    third.entry.action = 'test.innocent';
    lines[2] = JSON.stringify(third);
    expect(verifyJsonlIndependently(`${lines.join('\n')}\n`)).toMatchObject({ ok: false, firstBreak: { seq: 3, reason: 'hash' } });
  });

  it('CSV: RFC 4180, one physical line per record, formulas neutralized, and seq/prev_hash/hash included', async () => {
    const res = await download(a.apiKey, 'csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = String(res.body);
    const stored = await storedEntries(a.tenantId);
    const physical = text.split('\r\n');
    expect(physical.pop()).toBe('');
    expect(physical).toHaveLength(stored.length + 1);
    for (const line of physical) expect(line).not.toMatch(ANY_LINE_BREAK);
    const rows = parseCsv(text);
    const [header, ...data] = rows;
    expect(header).toEqual(expect.arrayContaining(['seq', 'prev_hash', 'hash', 'actor_label', 'user_agent']));
    expect(data).toHaveLength(stored.length);
    for (const row of data) {
      expect(row).toHaveLength(header?.length ?? 0);
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r\uFF1D]/);
    }
    const col = (name: string) => header?.indexOf(name) ?? -1;
    const bySeq = new Map(data.map((r) => [Number(r[col('seq')]), r]));
    for (const s of stored) {
      const r = bySeq.get(s.seq);
      expect([r?.[col('prev_hash')], r?.[col('hash')]]).toEqual([s.prev_hash, s.hash]);
    }
    // Escapes are visible and reversible; formulas get a leading apostrophe.
    expect(bySeq.get(1)?.[col('user_agent')]).toBe('line one\\nline two');
    expect(bySeq.get(3)?.[col('user_agent')]).toBe('"quoted", with comma');
    expect(bySeq.get(4)?.[col('user_agent')]).toBe("'=cmd|' /C calc'!A0");
    expect(bySeq.get(9)?.[col('user_agent')]).toBe('unicode\\u2028line\\u2029para\\u0085nel');
    expect(bySeq.get(10)?.[col('user_agent')]).toBe('back\\\\slash \\\\n not a newline');
    const httpRow = data.find((r) => r[col('action')] === 'createRole');
    expect(httpRow?.[col('user_agent')]).toBe("'=cmd|' /C calc'!A0");
    // A forged X-Forwarded-For never reaches the log: the address is the peer's (lib/http/request-meta.ts).
    expect(httpRow?.[col('ip')]).toBe('10.0.0.1');
  });

  it('streams in batches instead of building one big body', async () => {
    const t = await provision();
    await withTenant(t.tenantId, async (tx) => {
      for (let i = 0; i < 501; i++) await recordAuditEvent(tx, { action: 'test.bulk', actor: { type: 'system', id: 'bulk' }, metadata: { i } });
    });
    const res = await exportRoute.GET(new Request(`${BASE}/api/v1/audit/export?format=jsonl`, { headers: { authorization: `Bearer ${t.apiKey}` } }), {
      params: Promise.resolve({}),
    });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    let chunks = 0;
    let text = '';
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
      if (done) break;
      chunks += 1;
      text += decoder.decode(value, { stream: true });
    }
    // Batches of 500: one full, one with the last entry.
    expect(chunks).toBe(2);
    expect(verifyJsonlIndependently(text)).toMatchObject({ ok: true, checked: 501 });
  });

  it('lists newest first with filters and a stable cursor', async () => {
    const page1 = await call(auditRoute.GET, { path: '/api/v1/audit?action=test.nasty&limit=4', as: { apiKey: a.apiKey } });
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((e: { seq: number }) => e.seq)).toEqual([11, 10, 9, 8]);
    const page2 = await call(auditRoute.GET, { path: `/api/v1/audit?action=test.nasty&limit=4&cursor=${page1.body.nextCursor}`, as: { apiKey: a.apiKey } });
    expect(page2.body.items.map((e: { seq: number }) => e.seq)).toEqual([7, 6, 5, 4]);
    const byActor = await call(auditRoute.GET, { path: '/api/v1/audit?actor=actor-3', as: { apiKey: a.apiKey } });
    expect(byActor.body.items).toHaveLength(1);
    expect(byActor.body.items[0]).toMatchObject({ seq: 4, actor: { type: 'user', id: 'actor-3', label: "=cmd|' /C calc'!A0" } });
    const byTarget = await call(auditRoute.GET, { path: `/api/v1/audit?targetType=roles&outcome=success`, as: { apiKey: a.apiKey } });
    expect(byTarget.body.items.map((e: { action: string }) => e.action)).toEqual(['createRole']);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await call(auditRoute.GET, { path: `/api/v1/audit?from=${encodeURIComponent(future)}`, as: { apiKey: a.apiKey } });
    expect(none.body).toEqual({ items: [], nextCursor: null });
    const badCursor = await call(auditRoute.GET, { path: '/api/v1/audit?cursor=nonsense', as: { apiKey: a.apiKey } });
    expect(badCursor.status).toBe(400);
    const badDate = await call(auditRoute.GET, { path: '/api/v1/audit?from=yesterday', as: { apiKey: a.apiKey } });
    expect(badDate.status).toBe(422);
  });

  it('cross-tenant: B can neither read, export nor verify A’s entries', async () => {
    const aIds = new Set((await storedEntries(a.tenantId)).map((e) => e.id));
    const list = await call(auditRoute.GET, { path: '/api/v1/audit?limit=100', as: { apiKey: b.apiKey } });
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    for (const item of list.body.items) expect(aIds.has(item.id)).toBe(false);
    expect((await call(auditRoute.GET, { path: `/api/v1/audit?action=test.nasty`, as: { apiKey: b.apiKey } })).body.items).toEqual([]);

    const exported = String((await download(b.apiKey, 'jsonl')).body);
    const records = exported.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(records.every((r) => r.entry.tenantId === b.tenantId && !aIds.has(r.entry.id))).toBe(true);
    expect(exported).not.toContain('calc');

    const verified = await call(verifyRoute.GET, { path: '/api/v1/audit/verify', as: { apiKey: b.apiKey } });
    expect(verified.body).toMatchObject({ ok: true, checked: records.length });

    // A signed-in member of B naming A's tenant gets 404 from every audit route, and nothing is written to A.
    const user = await signUp();
    const own = await call(tenantsRoute.POST, { method: 'POST', path: '/api/v1/tenants', body: { name: 'Elsewhere' }, as: { cookie: user.cookie } });
    expect(own.status).toBe(201);
    const aCount = (await storedEntries(a.tenantId)).length;
    for (const route of [auditRoute.GET, exportRoute.GET, verifyRoute.GET]) {
      const res = await call(route, { path: '/api/v1/audit', as: { cookie: user.cookie, tenantId: a.tenantId } });
      expect(res.status).toBe(404);
    }
    expect((await storedEntries(a.tenantId)).length).toBe(aCount);
  });
});
