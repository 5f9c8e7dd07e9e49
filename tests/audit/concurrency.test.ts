import { afterAll, describe, expect, it } from 'vitest';
import * as rolesRoute from '@/app/api/v1/roles/route';
import * as verifyRoute from '@/app/api/v1/audit/verify/route';
import { recordAuditEvent } from '@/lib/audit/record';
import { withTenant } from '@/lib/db/tenant';
import { closeOwnerDb, onServerDatabase } from '../helpers/db';
import { call, provision } from '../helpers/http';
import { storedEntries } from './audit-helpers';

// On PGlite (one connection) transactions queue by construction; on PostgreSQL these really overlap, and only
// the per-tenant head lock keeps two appends from reading the same head.
describe(`concurrent appends never fork the chain (${onServerDatabase() ? 'PostgreSQL, overlapping transactions' : 'PGlite, serialized connection'})`, () => {
  afterAll(() => closeOwnerDb());

  it('many transactions appending to two tenants at once give two gapless, linear chains', async () => {
    const [a, b] = await Promise.all([provision(), provision()]);
    const appends = Array.from({ length: 40 }, (_, i) =>
      withTenant(i % 2 ? a.tenantId : b.tenantId, (tx) => recordAuditEvent(tx, { action: 'test.race', actor: { type: 'system', id: `worker-${i}` }, metadata: { i } })),
    );
    const results = await Promise.all(appends);
    expect(results).toHaveLength(40);
    for (const t of [a, b]) {
      const rows = await storedEntries(t.tenantId);
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      // Linear: every entry points at the one before it, so no two share a parent.
      rows.forEach((r, i) => expect(r.prev_hash).toBe(i === 0 ? '0'.repeat(64) : rows[i - 1]?.hash));
      const verified = await call(verifyRoute.GET, { path: '/api/v1/audit/verify', as: { apiKey: t.apiKey } });
      expect(verified.body).toMatchObject({ ok: true, checked: 20, head: { seq: 20 } });
    }
  });

  it('concurrent mutating requests each get their own entry in one chain', async () => {
    const t = await provision();
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', as: { apiKey: t.apiKey }, body: { name: `Role ${i}`, permissions: ['audit:read'] } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(201));
    const rows = await storedEntries(t.tenantId);
    expect(rows.filter((r) => r.action === 'createRole')).toHaveLength(12);
    expect(new Set(rows.map((r) => r.target_id)).size).toBe(12);
    const verified = await call(verifyRoute.GET, { path: '/api/v1/audit/verify', as: { apiKey: t.apiKey } });
    expect(verified.body).toMatchObject({ ok: true, checked: 12 });
  });
});
