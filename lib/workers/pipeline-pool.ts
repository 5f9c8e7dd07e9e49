import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Transferable } from 'node:worker_threads';
import type { z } from 'zod';
import { getEnv, type Env } from '@/lib/env';
import { observeWorkerTask } from '@/lib/metrics';
import { WorkerPool, WorkerTaskError } from './pool';
import {
  pipelineResultSchemas,
  type PipelineResult,
  type PipelineTask,
  type PipelineTaskType,
  type PipelineWorkerData,
} from './pipeline-protocol';

// Built by scripts/build-workers.ts (npm run build, dev and test run it), found from the project root at run
// time, and traced into the Vercel function by outputFileTracingIncludes in next.config.ts.
export const PIPELINE_WORKER_BUNDLE = path.join('dist', 'workers', 'pipeline-worker.mjs');

export interface PipelinePoolSettings {
  workers: number;
  memoryMb: number;
  timeoutMs: number;
  /** 0: workers stay once started. */
  idleMs: number;
  niceIncrement: number;
  filename: string;
}

// One worker on a 2-core machine: the other core serves HTTP (and, embedded, the database).
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}

export function pipelinePoolSettings(env: Env = getEnv()): PipelinePoolSettings {
  return {
    workers: env.PIPELINE_WORKERS ?? defaultWorkerCount(),
    memoryMb: env.PIPELINE_WORKER_MEMORY_MB,
    timeoutMs: env.PIPELINE_WORKER_TIMEOUT_SECONDS * 1000,
    idleMs: env.PIPELINE_WORKER_IDLE_SECONDS * 1000,
    niceIncrement: env.PIPELINE_WORKER_NICE,
    filename: path.join(process.cwd(), PIPELINE_WORKER_BUNDLE),
  };
}

export function describePipelinePool(settings: PipelinePoolSettings): string {
  const threads = settings.workers === 1 ? '1 worker thread' : `${settings.workers} worker threads`;
  const idle = settings.idleMs > 0 ? `, ended after ${settings.idleMs / 1000} s idle` : '';
  return `${threads} for CPU-bound pipeline work (${settings.memoryMb} MB heap each, ${settings.timeoutMs / 1000} s per task${idle})`;
}

function createPool(settings: PipelinePoolSettings): WorkerPool {
  if (!existsSync(settings.filename)) {
    throw new Error(
      `The pipeline worker bundle ${settings.filename} is missing: run \`npm run build:workers\` ` +
        '(npm run build, npm run dev and npm test do it first).',
    );
  }
  const workerData: PipelineWorkerData = { niceIncrement: settings.niceIncrement };
  return new WorkerPool({
    filename: settings.filename,
    size: settings.workers,
    // The old generation is where a decompression bomb's strings and arrays end up; the young one keeps its default.
    resourceLimits: { maxOldGenerationSizeMb: settings.memoryMb },
    taskTimeoutMs: settings.timeoutMs,
    idleTimeoutMs: settings.idleMs > 0 ? settings.idleMs : undefined,
    workerData,
  });
}

// One pool per process, kept on globalThis so development reloads do not start a second one.
const holder = globalThis as typeof globalThis & { __reflexPipelinePool?: { pool: WorkerPool; settings: PipelinePoolSettings } };

export function getPipelinePool(): { pool: WorkerPool; settings: PipelinePoolSettings } {
  if (!holder.__reflexPipelinePool) {
    const settings = pipelinePoolSettings();
    holder.__reflexPipelinePool = { pool: createPool(settings), settings };
  }
  return holder.__reflexPipelinePool;
}

// At server start: the first document then finds its workers loaded and warmed up (pipeline-worker.ts).
export function prestartPipelinePool(): void {
  getPipelinePool().pool.prestart();
}

// Replaces the pool (tests: a smaller heap limit or deadline); tasks running on the old one fail as `closed`.
export async function configurePipelinePool(overrides: Partial<PipelinePoolSettings> = {}): Promise<WorkerPool> {
  await closePipelinePool();
  const settings = { ...pipelinePoolSettings(), ...overrides };
  holder.__reflexPipelinePool = { pool: createPool(settings), settings };
  return holder.__reflexPipelinePool.pool;
}

export async function closePipelinePool(): Promise<void> {
  const current = holder.__reflexPipelinePool;
  holder.__reflexPipelinePool = undefined;
  await current?.pool.close();
}

// The queue key of the work started inside `fn`: the pool serves keys round-robin, so with the tenant as key one
// tenant's large upload cannot make another tenant's documents wait behind all of its tasks.
const keyScope = new AsyncLocalStorage<string>();

export function runWithPipelineKey<T>(key: string, fn: () => T): T {
  return keyScope.run(key, fn);
}

export interface PipelineTaskOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  transfer?: readonly Transferable[];
}

// Re-typed so that indexing with a generic task type keeps the result type tied to it.
type ResultSchemas = { [K in PipelineTaskType]: z.ZodType<PipelineResult<K>> };
const resultSchemas: ResultSchemas = pipelineResultSchemas;

export async function runPipelineTask<K extends PipelineTaskType>(
  task: Extract<PipelineTask, { type: K }>,
  options: PipelineTaskOptions = {},
): Promise<PipelineResult<K>> {
  const type: K = task.type;
  const { pool } = getPipelinePool();
  const started = performance.now();
  try {
    const value = await pool.run(keyScope.getStore() ?? 'shared', task, options);
    const result = resultSchemas[type].parse(value);
    observeWorkerTask({ task: type, outcome: 'ok', durationMs: performance.now() - started });
    return result;
  } catch (err) {
    const outcome = err instanceof WorkerTaskError ? err.reason : 'invalid_result';
    observeWorkerTask({ task: type, outcome, durationMs: performance.now() - started });
    throw err;
  }
}
