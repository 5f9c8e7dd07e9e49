import './blob-dir';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as documentsRoute from '@/app/api/v1/documents/route';
import * as documentRoute from '@/app/api/v1/documents/[id]/route';
import * as cancelRoute from '@/app/api/v1/documents/[id]/cancel/route';
import * as retryRoute from '@/app/api/v1/documents/[id]/retry/route';
import * as usageRoute from '@/app/api/v1/usage/route';
import { startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { closeOwnerDb, ownerRows } from '../helpers/db';
import { call, provision, type Identity } from '../helpers/http';
import { MEETING_NOTES, makePdf } from '../fixtures/documents/files';
import { blobExists, settle, uploadFile, uploadText } from './helpers';

let a: Identity;
let b: Identity;
let tenantA: string;
let tenantB: string;
let docA: string;
let blobA: string;

beforeAll(async () => {
  await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50 });
  const ta = await provision();
  const tb = await provision();
  a = { apiKey: ta.apiKey };
  b = { apiKey: tb.apiKey };
  tenantA = ta.tenantId;
  tenantB = tb.tenantId;
  const pdf = makePdf(['Tenant A board minutes', 'Decided to acquire Globex. Alice to draft the offer by Friday.']);
  const res = await uploadFile(a, { bytes: pdf, name: 'secret.pdf' });
  docA = res.body.id;
  await settle(a, docA);
  const [row] = await ownerRows<{ blob_key: string }>(sql`select blob_key from documents where id = ${docA}`);
  blobA = row?.blob_key ?? '';
});

afterAll(async () => {
  await stopLocalRunner();
  await closeOwnerDb();
});

type Route = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

const byId: [string, string, Route, string][] = [
  ['read', 'GET', documentRoute.GET, ''],
  ['retry', 'POST', retryRoute.POST, '/retry'],
  ['cancel', 'POST', cancelRoute.POST, '/cancel'],
  ['delete', 'DELETE', documentRoute.DELETE, ''],
];

describe("tenant B and tenant A's documents", () => {
  it.each(byId)("cannot %s them: 404, exactly as for an id that does not exist", async (_what, method, route, suffix) => {
    const theirs = await call(route, { method, path: `/api/v1/documents/${docA}${suffix}`, params: { id: docA }, as: b });
    const nobody = randomUUID();
    const missing = await call(route, { method, path: `/api/v1/documents/${nobody}${suffix}`, params: { id: nobody }, as: b });
    expect(theirs.status).toBe(404);
    expect(missing.status).toBe(404);
    expect({ ...theirs.body.error, requestId: '' }).toEqual({ ...missing.body.error, requestId: '' });
  });

  it('leaves them untouched after every attempt', async () => {
    const res = await call(documentRoute.GET, { path: `/api/v1/documents/${docA}`, params: { id: docA }, as: a });
    expect(res.body.status).toBe('processed');
    expect(blobExists(blobA)).toBe(true);
  });

  it('never lists them', async () => {
    const list = await call(documentsRoute.GET, { path: '/api/v1/documents?limit=100', as: b });
    expect(list.body.items.map((d: { id: string }) => d.id)).not.toContain(docA);
  });

  it('cannot detect them through duplicate detection: the same file is a new document for B', async () => {
    const pdf = makePdf(['Tenant A board minutes', 'Decided to acquire Globex. Alice to draft the offer by Friday.']);
    const res = await uploadFile(b, { bytes: pdf, name: 'guess.pdf' });
    expect(res.status).toBe(202);
    expect(res.body.id).not.toBe(docA);
    await settle(b, res.body.id);
    const again = await uploadFile(b, { bytes: pdf, name: 'guess.pdf' });
    expect(again.status).toBe(409);
    expect(again.body.error.details.documentId).toBe(res.body.id);
  });
});

describe('usage never mixes tenants', () => {
  it("reports only the caller's own calls", async () => {
    await settle(b, (await uploadText(b, MEETING_NOTES, 'B notes')).body.id);
    const counts = await ownerRows<{ tenant_id: string; n: number; cost: number }>(
      sql`select tenant_id, count(*)::int as n, sum(cost_micros)::int as cost from ai_usage group by tenant_id`,
    );
    const count = (tenant: string) => counts.find((c) => c.tenant_id === tenant)?.n;
    const usageA = await call(usageRoute.GET, { path: '/api/v1/usage', as: a });
    const usageB = await call(usageRoute.GET, { path: '/api/v1/usage', as: b });
    expect(usageA.body.totals.calls).toBe(count(tenantA));
    expect(usageB.body.totals.calls).toBe(count(tenantB));
    expect(count(tenantB)).toBeGreaterThan(count(tenantA) ?? 0);
    const [docUsage] = await ownerRows<{ tenants: string[] }>(
      sql`select array_agg(distinct tenant_id::text) as tenants from ai_usage where document_id = ${docA}`,
    );
    expect(docUsage?.tenants).toEqual([tenantA]);
  });
});
