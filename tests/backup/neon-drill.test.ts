import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { runRestoreDrill } from '@/lib/backup/drill';
import { neonBranchScratch } from '@/lib/backup/neon-branch';
import { runBackup } from '@/lib/backup/run';
import { closeDb } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { closeOwnerDb, onServerDatabase } from '../helpers/db';
import { KEY, seedTenant, tempDir } from './helpers';

process.env.BLOB_DIR = tempDir('blobs');
process.env.BACKUP_DIR = tempDir('store');
process.env.BACKUP_ENCRYPTION_KEY = KEY.toString('base64');
const ownerUrl = inject('ownerDatabaseUrl');
if (ownerUrl) process.env.DATABASE_OWNER_URL = ownerUrl;

afterAll(async () => {
  await closeOwnerDb();
  await closeDb();
});

const API = 'https://neon.test/api/v2';

// The Neon API's wire format (create branch with a read-write endpoint, poll its operations, delete the branch). A
// "branch" is a new database on the test server; a real branch would start with the live data, which the drill
// replaces anyway (force).
function fakeNeon(opts: { operationEnds: 'finished' | 'failed' }) {
  const requests: { method: string; path: string; auth: string | null; body: unknown }[] = [];
  const databases = new Map<string, string>();
  let polls = 0;
  const admin = async (sql: string) => {
    if (!ownerUrl) return;
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: ownerUrl });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    const path = url.slice(API.length);
    const method = init.method ?? 'GET';
    const auth = new Headers(init.headers).get('authorization');
    requests.push({ method, path, auth, body: init.body ? JSON.parse(String(init.body)) : null });
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (method === 'POST' && path === '/projects/young-river-1/branches') {
      const id = `br-${randomBytes(4).toString('hex')}`;
      const db = `reflex_neon_${randomBytes(4).toString('hex')}`;
      await admin(`create database ${db}`);
      const uri = new URL(ownerUrl ?? 'postgres://nobody@127.0.0.1:1/none');
      uri.pathname = `/${db}`;
      databases.set(id, db);
      return json(201, {
        branch: { id, name: 'x', project_id: 'young-river-1' },
        endpoints: [{ id: 'ep-1', type: 'read_write' }],
        connection_uris: [{ connection_uri: uri.toString(), connection_parameters: { host: uri.hostname } }],
        operations: [{ id: 'op-1', action: 'create_branch', status: 'running' }],
      });
    }
    if (method === 'GET' && path === '/projects/young-river-1/operations/op-1') {
      polls += 1;
      return json(200, { operation: { id: 'op-1', status: polls < 2 ? 'running' : opts.operationEnds } });
    }
    const del = /^\/projects\/young-river-1\/branches\/(br-[0-9a-f]+)$/.exec(path);
    if (method === 'DELETE' && del?.[1]) {
      const db = databases.get(del[1]);
      if (db) await admin(`drop database if exists ${db} with (force)`);
      databases.delete(del[1]);
      return json(200, { branch: { id: del[1] } });
    }
    return json(404, { message: 'not found' });
  });
  return { fetch, requests, databases };
}

const scratchOf = (neon: ReturnType<typeof fakeNeon>) =>
  neonBranchScratch({ apiKey: 'neon-key', projectId: 'young-river-1', baseUrl: API, fetch: neon.fetch, sleep: async () => {} });

describe('restore drill into a Neon branch', () => {
  it('a branch whose creation fails is deleted and the drill is recorded as failed', async () => {
    await seedTenant('neon-fail');
    await runBackup(getEnv());
    const neon = fakeNeon({ operationEnds: 'failed' });
    const drill = await runRestoreDrill(getEnv(), { scratch: scratchOf(neon), raiseAlert: async () => true });
    expect(drill.status).toBe('failed');
    expect(drill.detail).toMatch(/operation op-1 ended failed/);
    expect(neon.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'GET', 'DELETE']);
    expect(neon.requests.every((r) => r.auth === 'Bearer neon-key')).toBe(true);
    expect(neon.requests[0]?.body).toMatchObject({ branch: { name: expect.stringMatching(/^reflex-drill-/) }, endpoints: [{ type: 'read_write' }] });
  });

  it.skipIf(!onServerDatabase())('restores into the branch, verifies it and deletes it (needs TEST_DATABASE_URL)', async () => {
    await seedTenant('neon-pass');
    await runBackup(getEnv());
    const neon = fakeNeon({ operationEnds: 'finished' });
    const drill = await runRestoreDrill(getEnv(), { scratch: scratchOf(neon), raiseAlert: async () => true });
    expect(drill.status, drill.detail).toBe('passed');
    expect(drill.target).toBe('neon:branch');
    expect(neon.requests.at(-1)?.method).toBe('DELETE');
    expect(neon.databases.size).toBe(0);
  });
});
