// Per-step overhead of the local pipeline runner: `npx tsx scripts/bench/runner-overhead.ts [steps] [runs]`.
// Uses an in-memory PGlite unless DATABASE_URL is set (never the repo's .data). Steps do no work, so the time
// per step is the runner's: the SDK runs the steps of a run in one serve-handler call and checkpoints each to the
// runner (one statement), plus a few queries per run (route, load, start, finish).
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';

if (!process.env.DATABASE_URL) process.env.PGLITE_DIR = 'memory://';
process.env.LOG_LEVEL ??= 'warn';

const { inngest } = await import('@/inngest/client');
const { defineEvent } = await import('@/lib/events/define');
const { listRuns, startLocalRunner, stopLocalRunner, waitForRun, drainLocalRunner } = await import('@/inngest/local');
const { sendEvent } = await import('@/lib/events/send');
const { createExecutor } = await import('@/inngest/local/protocol');
const { getLocalHub } = await import('@/inngest/local/wire');
const { closeDb } = await import('@/lib/db/client');

const STEPS = Number(process.argv[2] ?? 10);
const RUNS = Number(process.argv[3] ?? 20);

const benchRequested = defineEvent('bench/steps-requested', { steps: z.number().int() });
const benchSteps = inngest.createFunction({ id: 'bench-steps', triggers: [benchRequested], retries: 0 }, async ({ event, step }) => {
  let total = 0;
  for (let i = 0; i < event.data.steps; i++) total += await step.run(`s${i}`, () => i);
  return total;
});

const tenantId = randomUUID();
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function oneRun(): Promise<number> {
  const started = performance.now();
  const { ids } = await sendEvent(benchRequested, { tenantId, steps: STEPS });
  await drainLocalRunner();
  const [run] = await listRuns({ eventId: ids[0] });
  await waitForRun(run!.id);
  return performance.now() - started;
}

await startLocalRunner({ functions: [benchSteps] });
for (let i = 0; i < 3; i++) await oneRun();

const sequential: number[] = [];
for (let i = 0; i < RUNS; i++) sequential.push(await oneRun());
sequential.sort((a, b) => a - b);
const median = sequential[Math.floor(sequential.length / 2)]!;

// Steady measures beside the wall clock, which a busy machine stretches: this process's CPU time and, on
// PostgreSQL, the statements it sent (each a round trip), per step.
let statements = 0;
if (process.env.DATABASE_URL) {
  const { default: pg } = await import('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: InstanceType<typeof pg.Client>, ...args: Parameters<typeof query>) {
    statements++;
    return query.apply(this, args);
  } as typeof query;
}
const cpuBefore = process.cpuUsage();
const burstStarted = performance.now();
await Promise.all(Array.from({ length: RUNS }, () => sendEvent(benchRequested, { tenantId, steps: STEPS })));
await drainLocalRunner(120_000);
const burst = performance.now() - burstStarted;
const cpu = process.cpuUsage(cpuBefore);
const burstCpuMs = (cpu.user + cpu.system) / 1000;

// The serve handler alone, without the database: the first call (discover + run step one) and the last call
// (replay with every step memoized, return the result).
const executor = createExecutor(inngest, [benchSteps], getLocalHub().signingKey);
const event = { name: 'bench/steps-requested', data: { tenantId, steps: STEPS }, id: randomUUID(), ts: Date.now() };
const stack = Array.from({ length: STEPS }, (_, i) => createHash('sha1').update(`s${i}`).digest('hex'));
const allSteps = Object.fromEntries(stack.map((id, i) => [id, { data: i }]));
async function handlerMedian(steps: typeof allSteps, expected: 'ops' | 'done'): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 51; i++) {
    const t = performance.now();
    const out = await executor.execute({ fnId: 'reflex-bench-steps', stepId: 'step', runId: randomUUID(), event, steps, stack: Object.keys(steps), attempt: 0, maxAttempts: 1 });
    times.push(performance.now() - t);
    if (out.kind !== expected) throw new Error(`expected ${expected}, got ${out.kind}`);
  }
  return times.sort((a, b) => a - b)[25]!;
}
const firstCall = await handlerMedian({}, 'ops');
const lastCall = await handlerMedian(allSteps, 'done');

console.log(`local runner overhead: ${STEPS} no-op steps per run, ${RUNS} runs, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite in memory'}`);
console.log(`  sequential run, median      ${ms(median)}  (${ms(median / STEPS)} per step)`);
console.log(`  ${RUNS} runs at once, total      ${ms(burst)}  (${ms(burst / (RUNS * STEPS))} per step)`);
console.log(`    process CPU ${ms(burstCpuMs / (RUNS * STEPS))} per step${process.env.DATABASE_URL ? `, ${(statements / (RUNS * STEPS)).toFixed(2)} statements per step` : ''}`);
console.log(`  serve handler alone (no checkpointing), median ${ms(firstCall)} first call, ${ms(lastCall)} last call (replaying ${STEPS} memoized steps)`);
await stopLocalRunner();
await closeDb();
