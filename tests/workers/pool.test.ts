import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { WorkerPool, WorkerTaskError, type WorkerPoolOptions } from '@/lib/workers/pool';

// A worker speaking the pool's message shape, with tasks that misbehave on purpose.
const WORKER = `
import { parentPort } from 'node:worker_threads';
parentPort.on('message', ({ id, payload }) => {
  switch (payload.kind) {
    case 'echo':
      parentPort.postMessage({ id, ok: true, value: payload.value });
      break;
    case 'throw':
      parentPort.postMessage({ id, ok: false, error: 'bad input' });
      break;
    case 'spin':
      for (;;) {}
    case 'alloc': {
      const keep = [];
      for (;;) keep.push(new Array(100000).fill(keep.length));
    }
    case 'exit':
      process.exit(3);
  }
});
`;

// The same worker announcing its kernel thread id first, as the pipeline worker does (Linux only).
const ANNOUNCING_WORKER = `
import { readlinkSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
parentPort.postMessage({ hello: { tid: Number(readlinkSync('/proc/thread-self').split('/').at(-1)) } });
parentPort.on('message', ({ id, payload }) => {
  if (payload.kind === 'sleep') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, payload.ms);
  if (payload.kind === 'spin') for (;;) {}
  parentPort.postMessage({ id, ok: true, value: payload.kind });
});
`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'reflex-pool-'));
const filename = path.join(dir, 'test-worker.mjs');
writeFileSync(filename, WORKER);
const announcing = path.join(dir, 'announcing-worker.mjs');
writeFileSync(announcing, ANNOUNCING_WORKER);
const linux = process.platform === 'linux';
if (!linux) console.log('[tests] CPU-time deadlines need /proc (Linux): those cases are skipped here.');

const pools: WorkerPool[] = [];

function pool(options: Partial<WorkerPoolOptions> = {}): WorkerPool {
  const p = new WorkerPool({ filename, size: 1, resourceLimits: { maxOldGenerationSizeMb: 64 }, taskTimeoutMs: 30_000, ...options });
  pools.push(p);
  return p;
}

async function failure(promise: Promise<unknown>): Promise<WorkerTaskError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkerTaskError);
  if (!(err instanceof WorkerTaskError)) throw new Error('unreachable');
  return err;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('WorkerPool', () => {
  it('serves queued tasks round-robin across keys, so one key cannot make another wait behind its backlog', async () => {
    const p = pool();
    const order: string[] = [];
    const run = (key: string, value: string) => p.run(key, { kind: 'echo', value }).then((v) => order.push(String(v)));
    await Promise.all([run('tenant-a', 'a1'), run('tenant-a', 'a2'), run('tenant-a', 'a3'), run('tenant-a', 'a4'), run('tenant-b', 'b1')]);
    // a1 was already running; b1 goes right after the next of a's tasks instead of after all of them.
    expect(order).toEqual(['a1', 'a2', 'b1', 'a3', 'a4']);
  });

  it('ends a task past its deadline by terminating its worker, and replaces the worker for the next task', async () => {
    const p = pool({ taskTimeoutMs: 300 });
    const err = await failure(p.run('t', { kind: 'spin' }));
    expect(err.reason).toBe('timeout');
    await expect(p.run('t', { kind: 'echo', value: 'after' })).resolves.toBe('after');
    expect(p.stats().started).toBe(2);
  });

  it.runIf(linux)('counts a deadline in the worker\'s CPU time, so a worker kept waiting is not ended, but a busy one is', async () => {
    const p = pool({ filename: announcing, taskTimeoutMs: 300 });
    // Blocked for twice the deadline without using the CPU: a starved worker looks the same from outside.
    await expect(p.run('t', { kind: 'sleep', ms: 600 })).resolves.toBe('sleep');
    const err = await failure(p.run('t', { kind: 'spin' }));
    expect(err.reason).toBe('timeout');
    expect(err.message).toMatch(/CPU time/);
  });

  it('turns a worker killed by its heap limit into an out_of_memory failure of that task only', async () => {
    const p = pool({ resourceLimits: { maxOldGenerationSizeMb: 16 } });
    const err = await failure(p.run('t', { kind: 'alloc' }));
    expect(err.reason).toBe('out_of_memory');
    await expect(p.run('t', { kind: 'echo', value: 'alive' })).resolves.toBe('alive');
    expect(p.stats()).toMatchObject({ started: 2, busy: 0, queued: 0 });
  });

  it('reports a worker that exits as crashed, and a task that fails inside a healthy worker as failed', async () => {
    const p = pool();
    expect((await failure(p.run('t', { kind: 'exit' }))).reason).toBe('crashed');
    expect((await failure(p.run('t', { kind: 'throw' }))).message).toBe('bad input');
    await expect(p.run('t', { kind: 'echo', value: 1 })).resolves.toBe(1);
    // The exit needed a new worker; the failed task did not.
    expect(p.stats().started).toBe(2);
  });

  it('aborts a queued task without running it, and a running one by replacing its worker', async () => {
    const p = pool();
    const running = new AbortController();
    const queued = new AbortController();
    const first = p.run('t', { kind: 'spin' }, { signal: running.signal });
    const second = p.run('t', { kind: 'echo', value: 'never' }, { signal: queued.signal });
    queued.abort();
    expect((await failure(second)).reason).toBe('aborted');
    running.abort();
    expect((await failure(first)).reason).toBe('aborted');
    await expect(p.run('t', { kind: 'echo', value: 'next' })).resolves.toBe('next');
  });

  it('prestarts every worker, and then serves tasks on them without starting more', async () => {
    const p = pool({ size: 2 });
    p.prestart();
    expect(p.stats()).toMatchObject({ workers: 2, started: 2, busy: 0 });
    await expect(Promise.all([p.run('a', { kind: 'echo', value: 1 }), p.run('b', { kind: 'echo', value: 2 })])).resolves.toEqual([1, 2]);
    expect(p.stats().started).toBe(2);
  });

  it('ends a worker left idle past idleTimeoutMs, never one with a task, and starts a fresh one when work arrives', async () => {
    const p = pool({ filename: announcing, idleTimeoutMs: 100 });
    // The task outlasts the idle timeout: only waiting without a task counts.
    await expect(p.run('t', { kind: 'sleep', ms: 400 })).resolves.toBe('sleep');
    expect(p.stats()).toMatchObject({ workers: 1, started: 1 });
    await vi.waitFor(() => expect(p.stats().workers).toBe(0), { timeout: 10_000, interval: 50 });
    await expect(p.run('t', { kind: 'echo' })).resolves.toBe('echo');
    expect(p.stats()).toMatchObject({ workers: 1, started: 2 });
  });

  it('fails queued and new tasks once closed', async () => {
    const p = pool();
    const running = failure(p.run('t', { kind: 'spin' }));
    const waiting = failure(p.run('t', { kind: 'echo', value: 'x' }));
    await p.close();
    expect((await running).reason).toBe('closed');
    expect((await waiting).reason).toBe('closed');
    expect((await failure(p.run('t', { kind: 'echo', value: 'y' }))).reason).toBe('closed');
  });
});
