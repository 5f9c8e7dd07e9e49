import '../documents/blob-dir';
import { randomUUID } from 'node:crypto';
import { InngestTestEngine } from '@inngest/test';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions } from '@/inngest';
import { applyRetention } from '@/inngest/functions/retention/apply-retention';
import { drainLocalRunner, startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { verifyAuditChain } from '@/lib/audit/verify';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { applyTenantRetention, setRetentionDays, tenantsWithRetention } from '@/lib/retention/retention';
import { provision } from '../helpers/http';
import { isolateRunnerDatabase } from '../runner/harness';
import { blobExists, settle, uploadFile, uploadText } from '../documents/helpers';

const DAY_MS = 86_400_000;
const NOW = new Date('2030-06-15T12:00:00.000Z');

let release: () => Promise<void>;

beforeAll(async () => {
  release = await isolateRunnerDatabase();
  await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50, functions });
});

afterAll(async () => {
  await drainLocalRunner(60_000);
  await stopLocalRunner();
  await release();
});

type Tenant = Awaited<ReturnType<typeof provision>>;

// Four processed documents (one with a stored file) dated relative to NOW: 31 days old, 30 days and 1 ms old,
// exactly 30 days old, 1 day old.
async function seed(t: Tenant) {
  const as = { apiKey: t.apiKey };
  const ages = { old: 31 * DAY_MS, justOlder: 30 * DAY_MS + 1, exact: 30 * DAY_MS, fresh: DAY_MS };
  const ids: Record<keyof typeof ages, string> = { old: '', justOlder: '', exact: '', fresh: '' };
  for (const name of Object.keys(ages) as (keyof typeof ages)[]) {
    const body = `Retention ${name} ${randomUUID()}. Alice will send the contract to the client by Friday.`;
    const res =
      name === 'old'
        ? await uploadFile(as, { bytes: new TextEncoder().encode(body), name: 'notes.txt', type: 'text/plain' })
        : await uploadText(as, body);
    expect(res.status).toBe(202);
    ids[name] = res.body.id;
    await settle(as, res.body.id);
    const createdAt = new Date(NOW.getTime() - ages[name]).toISOString();
    await withTenant(t.tenantId, (tx) => tx.execute(sql`update documents set created_at = ${createdAt}::timestamptz where id = ${res.body.id}`));
  }
  return ids;
}

const remaining = (tenantId: string) =>
  withTenant(tenantId, async (tx) => ({
    documents: (await queryRows<{ id: string }>(tx, sql`select id from documents order by id`)).map((r) => r.id),
    chunkDocs: (await queryRows<{ document_id: string }>(tx, sql`select distinct document_id from document_chunks`)).map((r) => r.document_id),
  }));

describe('retention', () => {
  let a: Tenant;
  let b: Tenant;
  let aDocs: Awaited<ReturnType<typeof seed>>;
  let bDocs: Awaited<ReturnType<typeof seed>>;
  let oldBlobKey: string;

  beforeAll(async () => {
    a = await provision();
    b = await provision();
    aDocs = await seed(a);
    bDocs = await seed(b);
    const [row] = await withTenant(a.tenantId, (tx) => queryRows<{ blob_key: string }>(tx, sql`select blob_key from documents where id = ${aDocs.old}`));
    oldBlobKey = row!.blob_key;
    expect(blobExists(oldBlobKey)).toBe(true);
    await withTenant(a.tenantId, (tx) => setRetentionDays(tx, a.tenantId, 30));
  });

  it('lists only tenants that set retentionDays', async () => {
    const listed = await tenantsWithRetention();
    expect(listed).toContainEqual({ tenantId: a.tenantId, retentionDays: 30 });
    expect(listed.map((t) => t.tenantId)).not.toContain(b.tenantId);
  });

  it('deletes exactly the documents older than N days, with their chunks and files, and audits it', async () => {
    expect(await applyTenantRetention(a.tenantId, 30, NOW)).toBe(2);
    const left = await remaining(a.tenantId);
    expect(left.documents).toEqual([aDocs.exact, aDocs.fresh].sort());
    expect(left.chunkDocs).not.toContain(aDocs.old);
    expect(left.chunkDocs).not.toContain(aDocs.justOlder);
    expect(left.chunkDocs).toContain(aDocs.exact);
    expect(blobExists(oldBlobKey)).toBe(false);

    const audit = await withTenant(a.tenantId, (tx) =>
      queryRows<{ actor_type: string; metadata: { count: number; documentIds: string[] } }>(
        tx,
        sql`select actor_type, metadata from audit_log where action = 'retention.documents_deleted'`,
      ),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: 'system', metadata: { count: 2 } });
    expect(audit[0]?.metadata.documentIds.sort()).toEqual([aDocs.old, aDocs.justOlder].sort());
    expect((await withTenant(a.tenantId, (tx) => verifyAuditChain(tx))).ok).toBe(true);

    expect(await applyTenantRetention(a.tenantId, 30, NOW)).toBe(0);
    expect((await remaining(b.tenantId)).documents).toEqual(Object.values(bDocs).sort());
  });

  it('the daily function applies every tenant\'s setting and leaves the others alone', async () => {
    // The function uses the real clock: date what is left two days back, in both tenants.
    for (const t of [a, b]) await withTenant(t.tenantId, (tx) => tx.execute(sql`update documents set created_at = now() - interval '2 days'`));
    await withTenant(a.tenantId, (tx) => setRetentionDays(tx, a.tenantId, 1));
    const engine = new InngestTestEngine({ function: applyRetention, events: [{ name: 'inngest/scheduled.timer', data: { cron: 'TZ=UTC 30 3 * * *' } }] });
    const { result } = await engine.execute();
    expect(result).toMatchObject({ deleted: 2 });
    expect((await remaining(a.tenantId)).documents).toEqual([]);
    expect((await remaining(b.tenantId)).documents).toEqual(Object.values(bDocs).sort());
  });

  it('null keeps everything', async () => {
    await withTenant(b.tenantId, (tx) => setRetentionDays(tx, b.tenantId, null));
    expect((await tenantsWithRetention()).map((t) => t.tenantId)).not.toContain(b.tenantId);
  });
});
