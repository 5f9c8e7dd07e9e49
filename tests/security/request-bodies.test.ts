import '../documents/blob-dir';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as documentsRoute from '@/app/api/v1/documents/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { stopLocalRunner } from '@/inngest/local';
import { countOpenTenantTransactions } from '@/lib/db/tenant';
import { resetEnvForTests } from '@/lib/env';
import { multipartBody, storedOriginals } from '../documents/helpers';
import { call, provision, signUp, type Identity } from '../helpers/http';

// A client that sends its body slowly must never hold a database connection: on the embedded database there is
// one, shared by every tenant. These tests watch the moment each body is read.

type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

const API_ROOT = path.resolve(import.meta.dirname, '../../app/api');
const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === 'route.ts' ? [full] : [];
  });
}

function isHandler(value: unknown): value is Handler {
  return typeof value === 'function';
}

// A body whose every read records how many tenant transactions are open at that moment. highWaterMark 0: nothing is
// pulled until the route really reads.
function probeBody(parts: Uint8Array[], seen: number[]): ReadableStream<Uint8Array> {
  const queue = [...parts];
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        seen.push(countOpenTenantTransactions());
        const next = queue.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

const utf8 = (s: string) => new TextEncoder().encode(s);

let owner: Awaited<ReturnType<typeof provision>>;
let session: Identity;
let other: Awaited<ReturnType<typeof provision>>;

beforeAll(async () => {
  owner = await provision();
  other = await provision();
  const user = await signUp();
  const org = await call((await import('@/app/api/v1/tenants/route')).POST, {
    method: 'POST',
    path: '/api/v1/tenants',
    body: { name: 'Body probe org' },
    as: { cookie: user.cookie },
  });
  expect(org.status).toBe(201);
  session = { cookie: user.cookie, tenantId: org.body.id };
});

afterAll(async () => {
  delete process.env.BODY_IDLE_TIMEOUT_MS;
  resetEnvForTests();
  await stopLocalRunner();
});

describe('request bodies are read before any tenant transaction opens', () => {
  it('holds for every write route of the API, by API key and by session', async () => {
    // Signing out everywhere would end the session the loop uses: that route goes last.
    const files = routeFiles(API_ROOT).sort((a, b) => Number(a.includes('me/sessions')) - Number(b.includes('me/sessions')));
    expect(files.length).toBeGreaterThan(40);
    const readers: string[] = [];
    for (const file of files) {
      const route: Record<string, unknown> = await import(file);
      const rel = path.relative(API_ROOT, path.dirname(file));
      const params: Record<string, string> = {};
      for (const m of rel.matchAll(/\[(?:\.\.\.)?(\w+)\]/g)) if (m[1]) params[m[1]] = crypto.randomUUID();
      const urlPath = `/api/${rel.replace(/\[(?:\.\.\.)?(\w+)\]/g, (_, name: string) => params[name] ?? name)}`;
      for (const method of WRITE_METHODS) {
        const handler = route[method];
        if (!isHandler(handler)) continue;
        for (const [who, as] of [['key', { apiKey: owner.apiKey }], ['session', session]] satisfies [string, Identity][]) {
          const seen: number[] = [];
          const res = await call(handler, {
            method,
            path: urlPath,
            params,
            as,
            rawBody: probeBody([utf8('{"name":'), utf8('"probe"}')], seen),
            headers: { 'content-type': 'application/json' },
          });
          expect(res.status, `${method} ${urlPath}`).toBeLessThan(500);
          if (seen.length > 0) readers.push(`${who} ${method} ${urlPath}`);
          expect(seen.every((n) => n === 0), `${method} ${urlPath} read its body inside a tenant transaction`).toBe(true);
        }
      }
    }
    // The probe reached the routes that matter (otherwise the test proves nothing).
    for (const route of ['POST /api/v1/documents', 'DELETE /api/v1/tenant', 'POST /api/v1/tasks', 'POST /api/v1/assistant/ask']) {
      expect(readers).toContain(`key ${route}`);
      expect(readers).toContain(`session ${route}`);
    }
    expect(readers).toContain('session POST /api/v1/tenants');
  });

  it('holds for a streamed multipart upload, which goes to the blob store first', async () => {
    const { bytes, contentType } = await multipartBody({ bytes: utf8('Streamed notes.\nAction item: Ana to file the permit.'), name: 'notes.txt', type: 'text/plain' });
    const seen: number[] = [];
    const parts = [bytes.slice(0, 100), bytes.slice(100, 200), bytes.slice(200)];
    const res = await call(documentsRoute.POST, {
      method: 'POST',
      path: '/api/v1/documents',
      rawBody: probeBody(parts, seen),
      headers: { 'content-type': contentType },
      as: { apiKey: owner.apiKey },
    });
    expect(res.status).toBe(202);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((n) => n === 0)).toBe(true);
    expect(storedOriginals(owner.tenantId)).toContain(res.body.id);
  });
});

describe('a stalled body', () => {
  it('gets a 408 after the idle timeout, stores nothing, and never blocks another tenant meanwhile', async () => {
    process.env.BODY_IDLE_TIMEOUT_MS = '500';
    resetEnvForTests();
    const before = storedOriginals(owner.tenantId);
    try {
      const { bytes, contentType } = await multipartBody({ bytes: utf8('x'.repeat(2000)), name: 'slow.txt', type: 'text/plain' });
      let sent = false;
      // Sends the first half, then nothing more.
      const stalled = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) return new Promise<void>(() => undefined);
          sent = true;
          controller.enqueue(bytes.slice(0, 1000));
          return undefined;
        },
      });
      let stalledDone = false;
      const pending = call(documentsRoute.POST, {
        method: 'POST',
        path: '/api/v1/documents',
        rawBody: stalled,
        headers: { 'content-type': contentType },
        as: { apiKey: owner.apiKey },
      }).then((res) => {
        stalledDone = true;
        return res;
      });
      // Another organization works normally while the upload hangs (on PGlite, a transaction held by the upload
      // would make this wait for it).
      const list = await call(tasksRoute.GET, { path: '/api/v1/tasks', as: { apiKey: other.apiKey } });
      expect(list.status).toBe(200);
      expect(stalledDone).toBe(false);
      const res = await pending;
      expect(res.status).toBe(408);
      expect(res.body.error.code).toBe('request_timeout');
      expect(res.body.error.message).toMatch(/stalled/);
      expect(storedOriginals(owner.tenantId)).toEqual(before);
    } finally {
      delete process.env.BODY_IDLE_TIMEOUT_MS;
      resetEnvForTests();
    }
  });

  it('of a JSON request also gets a 408', async () => {
    process.env.BODY_IDLE_TIMEOUT_MS = '300';
    resetEnvForTests();
    try {
      let sent = false;
      const stalled = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) return new Promise<void>(() => undefined);
          sent = true;
          controller.enqueue(utf8('{"title":'));
          return undefined;
        },
      });
      const res = await call(tasksRoute.POST, {
        method: 'POST',
        path: '/api/v1/tasks',
        rawBody: stalled,
        headers: { 'content-type': 'application/json' },
        as: { apiKey: owner.apiKey },
      });
      expect(res.status).toBe(408);
    } finally {
      delete process.env.BODY_IDLE_TIMEOUT_MS;
      resetEnvForTests();
    }
  });

  it('from a client that disconnects is answered 499 and logged as an ordinary event, not an error', async () => {
    const stderr: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = (chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    };
    try {
      const { bytes, contentType } = await multipartBody({ bytes: utf8('y'.repeat(5000)), name: 'gone.txt', type: 'text/plain' });
      let sent = false;
      const broken = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) {
            controller.error(new TypeError('terminated'));
            return;
          }
          sent = true;
          controller.enqueue(bytes.slice(0, 2000));
        },
      });
      const res = await call(documentsRoute.POST, {
        method: 'POST',
        path: '/api/v1/documents',
        rawBody: broken,
        headers: { 'content-type': contentType },
        as: { apiKey: owner.apiKey },
      });
      expect(res.status).toBe(499);
    } finally {
      process.stderr.write = original;
    }
    expect(stderr.join('')).not.toMatch(/unhandled error/);
  });
});

describe('strings PostgreSQL cannot store', () => {
  it('are refused with a 422 naming the field, in any JSON body and query, instead of a 500', async () => {
    const nul = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'a\u0000b' }, as: { apiKey: owner.apiKey } });
    expect(nul.status).toBe(422);
    expect(nul.body.error.message).toMatch(/^Invalid request body: title: contains a NUL character/);
    const surrogate = await call(tasksRoute.POST, {
      method: 'POST',
      path: '/api/v1/tasks',
      rawBody: utf8('{"title":"x\\ud800y"}'),
      headers: { 'content-type': 'application/json' },
      as: { apiKey: owner.apiKey },
    });
    expect(surrogate.status).toBe(422);
    const inQuery = await call(tasksRoute.GET, { path: '/api/v1/tasks?q=a%00b', as: { apiKey: owner.apiKey } });
    expect(inQuery.status).toBe(422);
    const inText = await call(documentsRoute.POST, { method: 'POST', path: '/api/v1/documents', body: { text: 'fine\u0000not' }, as: { apiKey: owner.apiKey } });
    expect(inText.status).toBe(422);
  });

  it('are refused in an upload title or file name, and the staged file is removed', async () => {
    const before = storedOriginals(owner.tenantId);
    const { bytes, contentType } = await multipartBody({ bytes: utf8('nul title'), name: 'n.txt', type: 'text/plain' }, { title: 'bad\u0000title' });
    const res = await call(documentsRoute.POST, {
      method: 'POST',
      path: '/api/v1/documents',
      rawBody: bytes,
      headers: { 'content-type': contentType },
      as: { apiKey: owner.apiKey },
    });
    expect(res.status).toBe(422);
    expect(storedOriginals(owner.tenantId)).toEqual(before);
  });
});
