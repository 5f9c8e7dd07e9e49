import { createHash } from 'node:crypto';
import net from 'node:net';
import { z } from 'zod';

// Core of the Upstash-REST-to-Redis dev proxy: a minimal RESP2 client over node:net, and the translation of
// Upstash REST commands (JSON arrays) into Redis commands and of Redis replies into Upstash's JSON shapes.
// The HTTP side lives in scripts/dev/upstash-proxy.ts.

export class RespStatus {
  constructor(readonly value: string) {}
}

export class RespError {
  constructor(readonly message: string) {}
}

// Bulk strings stay Buffers so binary values survive base64 encoding byte for byte.
export type RespValue = RespStatus | RespError | Buffer | number | null | RespValue[];

type Parsed = { value: RespValue; next: number };

const CRLF = '\r\n';
const CONNECT_TIMEOUT_MS = 5000;

function readLine(buf: Buffer, offset: number): { line: string; next: number } | undefined {
  const end = buf.indexOf(CRLF, offset);
  if (end === -1) return undefined;
  return { line: buf.toString('utf8', offset, end), next: end + 2 };
}

// Returns undefined while the reply is still incomplete.
function parseReply(buf: Buffer, offset: number): Parsed | undefined {
  if (offset >= buf.length) return undefined;
  const head = readLine(buf, offset + 1);
  if (!head) return undefined;
  switch (String.fromCharCode(buf[offset] ?? 0)) {
    case '+':
      return { value: new RespStatus(head.line), next: head.next };
    case '-':
      return { value: new RespError(head.line), next: head.next };
    case ':':
      return { value: Number(head.line), next: head.next };
    case '$': {
      const len = Number(head.line);
      if (len < 0) return { value: null, next: head.next };
      if (buf.length < head.next + len + 2) return undefined;
      return { value: Buffer.from(buf.subarray(head.next, head.next + len)), next: head.next + len + 2 };
    }
    case '*': {
      const count = Number(head.line);
      if (count < 0) return { value: null, next: head.next };
      const items: RespValue[] = [];
      let next = head.next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected RESP type byte 0x${(buf[offset] ?? 0).toString(16)}`);
  }
}

function encodeCommand(args: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}${CRLF}`)];
  for (const arg of args) {
    const bytes = Buffer.from(arg, 'utf8');
    parts.push(Buffer.from(`$${bytes.length}${CRLF}`), bytes, Buffer.from(CRLF));
  }
  return Buffer.concat(parts);
}

type Pending = { resolve: (value: RespValue) => void; reject: (error: Error) => void };

export class RespConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private failure: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('redis connection closed')));
  }

  static async open(redisUrl: string): Promise<RespConnection> {
    const url = new URL(redisUrl);
    if (url.protocol !== 'redis:') throw new Error(`unsupported redis URL protocol ${url.protocol} (use redis://)`);
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: url.hostname || '127.0.0.1', port: Number(url.port || 6379) });
      // A filtered port never answers; fail within seconds instead of hanging the request.
      s.setTimeout(CONNECT_TIMEOUT_MS, () => s.destroy(new Error(`connect timed out after ${CONNECT_TIMEOUT_MS} ms`)));
      s.once('connect', () => {
        s.setTimeout(0);
        s.off('error', reject);
        resolve(s);
      });
      s.once('error', reject);
    });
    socket.setNoDelay(true);
    const conn = new RespConnection(socket);
    const setup: string[][] = [];
    if (url.password) {
      const password = decodeURIComponent(url.password);
      setup.push(url.username ? ['AUTH', decodeURIComponent(url.username), password] : ['AUTH', password]);
    }
    const db = url.pathname.replace(/^\//, '');
    if (db) setup.push(['SELECT', db]);
    for (const reply of await conn.send(setup)) {
      if (reply instanceof RespError) {
        conn.close();
        throw new Error(`redis refused connection setup: ${reply.message}`);
      }
    }
    return conn;
  }

  get healthy(): boolean {
    return this.failure === undefined;
  }

  // Writes all commands at once and resolves with their replies in order (RESP replies are FIFO per connection).
  send(commands: readonly (readonly string[])[]): Promise<RespValue[]> {
    if (commands.length === 0) return Promise.resolve([]);
    if (this.failure) return Promise.reject(this.failure);
    const replies = commands.map(
      () => new Promise<RespValue>((resolve, reject) => this.pending.push({ resolve, reject })),
    );
    this.socket.write(Buffer.concat(commands.map(encodeCommand)));
    return Promise.all(replies);
  }

  close(): void {
    this.fail(new Error('redis connection closed by proxy'));
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    try {
      for (;;) {
        const parsed = parseReply(this.buffer, offset);
        if (!parsed) break;
        offset = parsed.next;
        const waiter = this.pending.shift();
        if (!waiter) throw new Error('redis sent a reply nobody asked for');
        waiter.resolve(parsed.value);
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      this.socket.destroy();
      return;
    }
    this.buffer = this.buffer.subarray(offset);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.splice(0)) waiter.reject(error);
  }
}

// One connection per in-flight HTTP request, so blocking commands and MULTI blocks never interleave with others.
export class RespPool {
  private readonly idle: RespConnection[] = [];
  private readonly live = new Set<RespConnection>();
  private closed = false;

  constructor(
    private readonly redisUrl: string,
    private readonly maxIdle = 8,
  ) {}

  async use<T>(fn: (conn: RespConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('proxy is closed');
    let conn = this.idle.pop();
    // An idle connection may have died (Redis restarted); drop those instead of failing the request.
    while (conn && !conn.healthy) {
      this.discard(conn);
      conn = this.idle.pop();
    }
    if (!conn) {
      conn = await RespConnection.open(this.redisUrl);
      this.live.add(conn);
    }
    try {
      return await fn(conn);
    } finally {
      if (!this.closed && conn.healthy && this.idle.length < this.maxIdle) this.idle.push(conn);
      else this.discard(conn);
    }
  }

  // Also closes connections still serving a request (a blocking command), so nothing keeps the process alive.
  close(): void {
    this.closed = true;
    this.idle.length = 0;
    for (const conn of this.live) this.discard(conn);
  }

  private discard(conn: RespConnection): void {
    conn.close();
    this.live.delete(conn);
  }
}

const commandSchema = z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).min(1);
export const singleBodySchema = commandSchema;
export const batchBodySchema = z.array(commandSchema).min(1);
export type CommandBody = z.infer<typeof commandSchema>;

// @upstash/redis sends numbers and booleans as JSON scalars (objects arrive already JSON.stringify-ed).
function toArgs(body: CommandBody): string[] {
  return body.map((part) => (typeof part === 'string' ? part : String(part)));
}

// Commands that would leave a pooled connection in a state the next request does not expect.
const FORBIDDEN = new Set([
  'multi', 'exec', 'discard', 'watch', 'unwatch', 'select', 'swapdb', 'auth', 'hello', 'reset', 'quit', 'monitor',
  'subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe', 'sync', 'psync',
  'replicaof', 'slaveof', 'shutdown', 'debug', 'client',
]);

// Flags Redis 7.0 understands in a script shebang. Upstash's `allow-key-locking` is not one of them.
const SUPPORTED_SHEBANG_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

const sha1 = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex');

// Drops shebang flags Redis 7.0 rejects; drops the whole shebang when none remain. The newline stays so Lua
// error line numbers still match the client's source.
export function stripUnsupportedShebang(script: string): string {
  const match = /^#!lua(?:[ \t]+flags=([^\s]*))?[ \t]*(?=\r?\n|$)/.exec(script);
  if (!match) return script;
  const flags = (match[1] ?? '').split(',').filter((flag) => flag !== '');
  const kept = flags.filter((flag) => SUPPORTED_SHEBANG_FLAGS.has(flag));
  if (kept.length === flags.length) return script;
  const shebang = kept.length > 0 ? `#!lua flags=${kept.join(',')}` : '';
  return shebang + script.slice(match[0].length);
}

type Prepared =
  | { kind: 'refused'; error: string }
  | { kind: 'send'; args: string[]; after: (reply: RespValue) => RespValue };

const identity = (reply: RespValue): RespValue => reply;

// Maps the sha1 clients compute over the original script to the sha1 Redis knows for the stripped script, so
// EVALSHA with the client's sha works after an EVAL or SCRIPT LOAD of the same script.
export class ScriptShaMap {
  private readonly toRedis = new Map<string, string>();

  prepare(body: CommandBody): Prepared {
    const args = toArgs(body);
    const name = (args[0] ?? '').toLowerCase();
    if (FORBIDDEN.has(name)) return { kind: 'refused', error: `ERR command '${name}' is not supported by this proxy` };
    if ((name === 'eval' || name === 'eval_ro') && args[1] !== undefined) {
      const stripped = stripUnsupportedShebang(args[1]);
      if (stripped !== args[1]) this.toRedis.set(sha1(args[1]), sha1(stripped));
      return { kind: 'send', args: [args[0] ?? name, stripped, ...args.slice(2)], after: identity };
    }
    if ((name === 'evalsha' || name === 'evalsha_ro') && args[1] !== undefined) {
      return { kind: 'send', args: [args[0] ?? name, this.redisSha(args[1]), ...args.slice(2)], after: identity };
    }
    if (name === 'script') return this.prepareScript(args);
    return { kind: 'send', args, after: identity };
  }

  private prepareScript(args: string[]): Prepared {
    const sub = (args[1] ?? '').toLowerCase();
    if (sub === 'load' && args[2] !== undefined) {
      const original = args[2];
      const stripped = stripUnsupportedShebang(original);
      if (stripped === original) return { kind: 'send', args, after: identity };
      const clientSha = sha1(original);
      return {
        kind: 'send',
        args: [args[0] ?? 'script', args[1] ?? sub, stripped],
        after: (reply) => {
          if (!Buffer.isBuffer(reply)) return reply;
          this.toRedis.set(clientSha, reply.toString('utf8'));
          return Buffer.from(clientSha);
        },
      };
    }
    if (sub === 'exists') {
      return { kind: 'send', args: [...args.slice(0, 2), ...args.slice(2).map((sha) => this.redisSha(sha))], after: identity };
    }
    if (sub === 'flush') {
      return {
        kind: 'send',
        args,
        after: (reply) => {
          this.toRedis.clear();
          return reply;
        },
      };
    }
    return { kind: 'send', args, after: identity };
  }

  private redisSha(sha: string): string {
    return this.toRedis.get(sha.toLowerCase()) ?? sha;
  }
}

export type Entry = { result: unknown } | { error: string };

// Upstash returns bulk and status strings base64-encoded (recursively in arrays) when the request carries
// `Upstash-Encoding: base64`; @upstash/redis passes the status "OK" through undecoded, so it stays plain.
export function toJson(value: RespValue, base64: boolean): unknown {
  if (value === null || typeof value === 'number') return value;
  if (Buffer.isBuffer(value)) return base64 ? value.toString('base64') : value.toString('utf8');
  if (value instanceof RespStatus) {
    return base64 && value.value !== 'OK' ? Buffer.from(value.value).toString('base64') : value.value;
  }
  if (value instanceof RespError) return value.message;
  return value.map((item) => toJson(item, base64));
}

export function toEntry(value: RespValue, base64: boolean): Entry {
  return value instanceof RespError ? { error: value.message } : { result: toJson(value, base64) };
}

export class UpstashCommandRunner {
  private readonly shas = new ScriptShaMap();

  constructor(private readonly pool: RespPool) {}

  async runOne(body: CommandBody, base64: boolean): Promise<Entry> {
    const [entry] = await this.runPipeline([body], base64);
    return entry ?? { error: 'ERR no reply' };
  }

  // Non-atomic: every command gets its own result or error, like Upstash's /pipeline.
  async runPipeline(bodies: readonly CommandBody[], base64: boolean): Promise<Entry[]> {
    const prepared = bodies.map((body) => this.shas.prepare(body));
    const toSend = prepared.flatMap((p) => (p.kind === 'send' ? [p.args] : []));
    const replies = await this.pool.use((conn) => conn.send(toSend));
    let next = 0;
    return prepared.map((p) => {
      if (p.kind === 'refused') return { error: p.error };
      return toEntry(p.after(replies[next++] ?? null), base64);
    });
  }

  // Atomic, like Upstash's /multi-exec: any refused command or queueing error aborts the whole transaction.
  async runTransaction(bodies: readonly CommandBody[], base64: boolean): Promise<Entry[] | { abort: string }> {
    const prepared = bodies.map((body) => this.shas.prepare(body));
    const sendable: Extract<Prepared, { kind: 'send' }>[] = [];
    for (const p of prepared) {
      if (p.kind === 'refused') return { abort: p.error };
      sendable.push(p);
    }
    const replies = await this.pool.use((conn) => conn.send([['MULTI'], ...sendable.map((p) => p.args), ['EXEC']]));
    const queued = replies.slice(1, -1).find((reply) => reply instanceof RespError);
    const exec = replies[replies.length - 1] ?? null;
    if (exec instanceof RespError) {
      const cause = queued instanceof RespError ? `: ${queued.message}` : '';
      return { abort: `${exec.message}${cause}` };
    }
    if (!Array.isArray(exec)) return { abort: 'ERR transaction aborted' };
    return sendable.map((p, i) => toEntry(p.after(exec[i] ?? null), base64));
  }
}
