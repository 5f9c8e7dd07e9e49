import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { BackupError } from './errors';
import type { ScratchDatabase } from './drill';
import { openPostgresTarget, type OwnerDatabase } from './target';

export type HttpFetch = (url: string, init: RequestInit) => Promise<Response>;

const createdSchema = z.object({
  branch: z.object({ id: z.string() }),
  connection_uris: z.array(z.object({ connection_uri: z.string() })).optional(),
  operations: z.array(z.object({ id: z.string() })).default([]),
});
const operationSchema = z.object({ operation: z.object({ status: z.string() }) });

const POLL_MS = 1_000;
const POLL_LIMIT = 120;

export interface NeonBranchOptions {
  apiKey: string;
  projectId: string;
  parentBranchId?: string;
  baseUrl: string;
  fetch?: HttpFetch;
  sleep?: (ms: number) => Promise<void>;
}

// The drill's scratch copy on Neon: a branch of the live database with its own read-write compute, created and
// deleted through the Neon API (fetch is injectable: tests speak the API's wire format). A branch starts as a copy
// of the live data, so the drill restores into it with force (everything replaced), then deletes it.
export function neonBranchScratch(opts: NeonBranchOptions): ScratchDatabase {
  const call = opts.fetch ?? ((url, init) => fetch(url, init));
  const sleep = opts.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const project = `${opts.baseUrl.replace(/\/$/, '')}/projects/${encodeURIComponent(opts.projectId)}`;
  const request = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await call(`${project}${path}`, {
      method,
      headers: { authorization: `Bearer ${opts.apiKey}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new BackupError(`Neon API ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };
  let branchId: string | undefined;
  let handle: OwnerDatabase | undefined;
  return {
    label: 'neon:branch',
    replaces: true,
    async open() {
      if (handle) return handle;
      const name = `reflex-drill-${randomBytes(4).toString('hex')}`;
      const created = createdSchema.parse(
        await request('POST', '/branches', { branch: { name, ...(opts.parentBranchId ? { parent_id: opts.parentBranchId } : {}) }, endpoints: [{ type: 'read_write' }] }),
      );
      branchId = created.branch.id;
      for (const op of created.operations) {
        for (let i = 0; ; i++) {
          const { operation } = operationSchema.parse(await request('GET', `/operations/${encodeURIComponent(op.id)}`));
          if (operation.status === 'finished') break;
          if (['failed', 'error', 'cancelled', 'skipped'].includes(operation.status) || i >= POLL_LIMIT) {
            throw new BackupError(`Neon branch ${name}: operation ${op.id} ended ${operation.status}`);
          }
          await sleep(POLL_MS);
        }
      }
      const uri = created.connection_uris?.[0]?.connection_uri;
      if (!uri) throw new BackupError(`Neon branch ${name}: the API returned no connection string (the project has several databases or roles)`);
      handle = await openPostgresTarget(uri);
      return handle;
    },
    async drop() {
      await handle?.close();
      if (branchId) await request('DELETE', `/branches/${encodeURIComponent(branchId)}`);
    },
  };
}
