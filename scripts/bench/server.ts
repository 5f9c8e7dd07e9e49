import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  baseUrl: string;
  /** The `next start` process, for its CPU time (scripts/bench/cpu.ts). */
  pid: number | undefined;
  stop(): Promise<void>;
  /** The last lines the server printed, for error messages. */
  tail(): string;
}

async function waitFor(url: string, child: ChildProcess, timeoutMs: number, tail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode}:\n${tail()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the server did not become ready at ${url} within ${timeoutMs / 1000} s:\n${tail()}`);
}

// What every bench server runs with, besides its database: production mode, quiet logs, a platform token for
// provisioning, and limits generous enough that the bench measures the work behind the limiters, not the 429s.
export function benchServerEnv(platformToken: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    LOG_LEVEL: 'error',
    BETTER_AUTH_SECRET: randomBytes(32).toString('hex'),
    PLATFORM_ADMIN_TOKEN: platformToken,
    RATE_LIMIT_IP_PER_MINUTE: '10000000',
    RATE_LIMIT_API_KEY_PER_MINUTE: '10000000',
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
  };
}

// The pipeline worker pool's knobs (PIPELINE_WORKERS, PIPELINE_WORKER_*) set in the bench's environment reach the
// server, so their effect on the isolation scenario can be measured.
export function pipelineWorkerEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) if (/^PIPELINE_WORKER/.test(key) && value) out[key] = value;
  return out;
}

// `next start` of an existing build; ready once /api/health/ready answers 200 (the database is open).
export async function startServer(root: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<RunningServer> {
  if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    throw new Error(`no production build in ${root}/.next: run \`npm run build\` first (the bench does not build)`);
  }
  const port = await freePort();
  const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  // Only what the bench chooses: a DATABASE_URL or KV in the shell must not leak into the measured server.
  const childEnv: NodeJS.ProcessEnv = { NODE_ENV: 'production', PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env };
  const child = spawn(process.execPath, [...nodeArgs, nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const tail = () => lines.join('\n');
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
  try {
    await waitFor(`${baseUrl}/api/health/ready`, child, 180_000, tail);
  } catch (err) {
    await stop();
    throw err;
  }
  return { baseUrl, pid: child.pid, stop, tail };
}
