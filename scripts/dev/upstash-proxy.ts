// Upstash-REST-compatible dev proxy in front of a real Redis, so @upstash/redis, @vercel/kv and @upstash/ratelimit
// run unchanged against local Redis (CI and local development).
//   npx tsx scripts/dev/upstash-proxy.ts --port 8079 --redis redis://127.0.0.1:6379 --token dev-token
// Then KV_REST_API_URL=http://127.0.0.1:8079 KV_REST_API_TOKEN=dev-token.
import { timingSafeEqual } from 'node:crypto';
import { realpathSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  RespConnection,
  RespError,
  RespPool,
  UpstashCommandRunner,
  batchBodySchema,
  singleBodySchema,
  type Entry,
} from '../../lib/kv/upstash-proxy-core';

export type UpstashProxyOptions = { port: number; redisUrl: string; token: string; host?: string };
export type UpstashProxy = { url: string; close: () => Promise<void> };

const MAX_BODY_BYTES = 10 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function isAuthorized(header: string | undefined, token: string): boolean {
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'ERR request body too large');
    chunks.push(buf);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'ERR failed to parse command: body is not JSON');
  }
}

async function handle(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  runner: UpstashCommandRunner,
  token: string,
): Promise<void> {
  if (!isAuthorized(req.headers.authorization, token)) {
    sendJson(res, 401, { error: 'Unauthorized' });
    return;
  }
  if (req.method !== 'POST') {
    sendJson(res, 405, { error: 'ERR only POST is supported by this proxy' });
    return;
  }
  const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
  const path = new URL(req.url ?? '/', 'http://proxy').pathname.replace(/\/+$/, '');
  const body = await readJson(req);

  if (path === '') {
    const parsed = singleBodySchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'ERR command must be a non-empty JSON array');
    const entry = await runner.runOne(parsed.data, base64);
    sendJson(res, 'error' in entry ? 400 : 200, entry);
    return;
  }
  if (path === '/pipeline' || path === '/multi-exec') {
    const parsed = batchBodySchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'ERR body must be a non-empty JSON array of command arrays');
    const entries: Entry[] | { abort: string } =
      path === '/pipeline'
        ? await runner.runPipeline(parsed.data, base64)
        : await runner.runTransaction(parsed.data, base64);
    if ('abort' in entries) sendJson(res, 400, { error: entries.abort });
    else sendJson(res, 200, entries);
    return;
  }
  sendJson(res, 404, { error: `ERR ${path} is not supported by this proxy` });
}

function redactUrl(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export async function startUpstashProxy(options: UpstashProxyOptions): Promise<UpstashProxy> {
  const host = options.host ?? '127.0.0.1';
  if (!options.token) throw new Error('upstash proxy: a token is required');

  // Fail fast on a wrong URL or credentials rather than on the first request.
  const probe = await RespConnection.open(options.redisUrl).catch((error: unknown) => {
    throw new Error(`upstash proxy: cannot reach Redis at ${redactUrl(options.redisUrl)}: ${String(error)}`);
  });
  const [pong] = await probe.send([['PING']]);
  probe.close();
  if (pong instanceof RespError) throw new Error(`upstash proxy: Redis refused PING: ${pong.message}`);

  const pool = new RespPool(options.redisUrl);
  const runner = new UpstashCommandRunner(pool);
  const server = http.createServer((req, res) => {
    handle(req, res, runner, options.token).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) sendJson(res, error.status, { error: error.message });
      else sendJson(res, 503, { error: `ERR redis unavailable: ${error instanceof Error ? error.message : String(error)}` });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // `listen` on a TCP host always yields an AddressInfo, never a pipe name.
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    close: async () => {
      pool.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8079' },
      redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
      token: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  if (!values.token) throw new Error('usage: upstash-proxy --token <token> [--port 8079] [--redis redis://127.0.0.1:6379]');

  const proxy = await startUpstashProxy({ port, redisUrl: values.redis, token: values.token });
  console.log(`upstash proxy listening on ${proxy.url} -> ${redactUrl(values.redis)}`);
  const stop = (): void => {
    proxy.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
