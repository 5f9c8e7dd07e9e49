import type { InngestFunction } from 'inngest';
import { inngest, pipelineBackend } from '@/inngest/client';
import { getEnv } from '@/lib/env';
import { logger } from '@/lib/log';
import { LOCAL_RUNNER_ON_VERCEL } from '@/lib/pipelines/backend';
import { LocalRunner, type LocalRunnerOptions } from './runner';
import { FINISHED_STATUSES } from '@/lib/pipelines/run-history';
import { getRun, type RunView } from './runs';

export { cancelRuns, getRun, listRuns, type RunFilter, type RunView, type StepView } from './runs';
export type { LocalRunner } from './runner';

export type StartLocalRunnerOptions = Partial<Omit<LocalRunnerOptions, 'client'>>;

// Exactly one runner per process, kept on globalThis so that dev reloads and separate bundles share it.
// The cast only adds this module's slot to globalThis.
const holder = globalThis as typeof globalThis & { __reflexLocalRunner?: Promise<LocalRunner> };

// Starts the runner if pipelines run locally (returns null when Inngest is configured): syncs the functions
// through the serve handler, then resumes every unfinished run. Later calls return the same runner and ignore
// their options. `functions` defaults to the app's (inngest/index.ts); tests pass their own.
export function startLocalRunner(options: StartLocalRunnerOptions = {}): Promise<LocalRunner | null> {
  if (pipelineBackend !== 'local') return Promise.resolve(null);
  if (getEnv().VERCEL) return Promise.reject(new Error(LOCAL_RUNNER_ON_VERCEL));
  holder.__reflexLocalRunner ??= (async () => {
    const functions: readonly InngestFunction.Like[] = options.functions ?? (await import('@/inngest')).functions;
    const runner = await LocalRunner.start({ ...options, client: inngest, functions });
    logger.info('local pipeline runner started', { functions: runner.functionIds });
    return runner;
  })().catch((err: unknown) => {
    holder.__reflexLocalRunner = undefined;
    throw err;
  });
  return holder.__reflexLocalRunner;
}

async function requireRunner(): Promise<LocalRunner> {
  const runner = await startLocalRunner();
  if (!runner) throw new Error('the local runner is not in use: Inngest is configured');
  return runner;
}

export async function stopLocalRunner(): Promise<void> {
  const pending = holder.__reflexLocalRunner;
  holder.__reflexLocalRunner = undefined;
  if (pending) await (await pending).stop();
}

export async function drainLocalRunner(timeoutMs?: number): Promise<void> {
  await (await requireRunner()).drain(timeoutMs);
}

// Resolves with the run once it has completed, failed or been cancelled.
export async function waitForRun(runId: string, timeoutMs = 30_000): Promise<RunView> {
  const runner = await requireRunner();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(runId);
    if (!run) throw new Error(`waitForRun: no run ${runId}`);
    if (FINISHED_STATUSES.includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`waitForRun: run ${runId} still ${run.status} after ${timeoutMs} ms`);
    await runner.settled(250);
  }
}
