import { randomUUID } from 'node:crypto';
import { expect, inject } from 'vitest';
import { drainLocalRunner, getRun, listRuns, startLocalRunner, stopLocalRunner, waitForRun, type RunView } from '@/inngest/local';
import { closeDb } from '@/lib/db/client';
import { resetEnvForTests } from '@/lib/env';
import { recordHeartbeat } from '@/inngest/functions/system/record-heartbeat';
import { fixtureFunctions } from '../fixtures/runner/functions';
import { prepareServerDatabase } from '../helpers/server-db';

// A local runner must be alone on its database, and test files run in parallel. On PGlite every file already has
// its own in-memory database; with TEST_DATABASE_URL this gives the calling file a fresh server database (migrated,
// app role as usual) before anything opens one. Returns the cleanup for afterAll. Any test file that starts a
// runner (directly or by sending an event) should call it first.
export async function isolateRunnerDatabase(): Promise<() => Promise<void>> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!inject('databaseUrl') || !adminUrl) return closeDb;
  const own = await prepareServerDatabase(adminUrl);
  await closeDb();
  process.env.DATABASE_URL = own.appUrl;
  resetEnvForTests();
  return async () => {
    await closeDb();
    await own.drop();
  };
}

// Every runner test file drives the fixture functions (and the app's heartbeat) through the one process-wide
// runner, with short retry delays, on a database of its own.
export async function startFixtureRunner(): Promise<() => Promise<void>> {
  const release = await isolateRunnerDatabase();
  const runner = await startLocalRunner({ functions: [...fixtureFunctions, recordHeartbeat], backoffBaseMs: 20, backoffMaxMs: 200 });
  if (!runner) throw new Error('the runner tests need the local backend: unset INNGEST_EVENT_KEY and INNGEST_BASE_URL');
  return async () => {
    await stopLocalRunner();
    await release();
  };
}

export const newTenant = () => randomUUID();

// The clock a runner reads cron slots from (pass `now` to startLocalRunner): a test moves it instead of waiting
// for a slot, then reads the runs of the scheduled function it is about.
export function cronClock(functionId: string, startIso: string) {
  let at = Date.parse(startIso);
  return {
    now: () => at,
    // Moves the clock, lets the runner fire whatever became due, and returns the function's runs, newest first.
    async tickAt(iso: string): Promise<RunView[]> {
      at = Date.parse(iso);
      await drainLocalRunner();
      return listRuns({ functionId });
    },
    async latestRun(): Promise<RunView> {
      const [latest] = await listRuns({ functionId }, 1);
      const run = latest ? await getRun(latest.id) : null;
      if (!run) throw new Error(`no run of ${functionId}`);
      return run;
    },
  };
}

// The runs an event started, once the runner has routed it.
export async function runsOf(eventId: string | undefined, functionId?: string): Promise<RunView[]> {
  if (!eventId) throw new Error('no event id');
  await drainLocalRunner();
  const runs = await listRuns({ eventId, ...(functionId ? { functionId } : {}) });
  expect(runs.length).toBeGreaterThan(0);
  return runs;
}

export async function onlyRunOf(eventId: string | undefined): Promise<RunView> {
  const [run, ...rest] = await runsOf(eventId);
  expect(rest).toHaveLength(0);
  const full = await getRun(run!.id);
  if (!full) throw new Error('run vanished');
  return full;
}

// Polls a condition the fixtures make true (a step has started, a file has a line), without asserting on time.
export async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition never became true');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export { drainLocalRunner, getRun, waitForRun };
