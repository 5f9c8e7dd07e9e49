import { chooseDriver, getDbHandle } from '@/lib/db/client';
import { getEnv, type Env } from '@/lib/env';
import { logger } from '@/lib/log';
import { setDependencyUp } from '@/lib/metrics';
import { runChecks, type CheckResult, type Probe, type ReadinessReport } from './checks';
import { noteObservation, resetCoverageThrottleForTests } from './coverage';
import { recordIncident, resolveStaleDependencyIncidents, type IncidentKind } from './incidents';
import { evaluatePipelineSpike } from './pipeline-spikes';
import { createAiProbes, createDatabaseProbe, createKvProbe, createPipelinesProbe } from './probes';

export function defaultProbes(env: Env = getEnv()): Probe[] {
  const driver = chooseDriver(env);
  const backend = driver === 'pglite' ? 'PGlite (embedded)' : driver === 'neon' ? 'Neon' : 'PostgreSQL';
  return [
    createDatabaseProbe({ backend, getHandle: getDbHandle }),
    createKvProbe(env),
    createPipelinesProbe(env),
    ...createAiProbes(env),
  ];
}

type PendingWrite =
  | { op: 'open'; component: string; kind: IncidentKind; title: string; detail: string; at: Date }
  | { op: 'resolve'; component: string; kind: IncidentKind; at: Date };

interface TrackerState {
  last: Map<string, 'up' | 'down'>;
  // Incident writes that could not happen because the database was down; replayed in order once it is back.
  pending: PendingWrite[];
  queue: Promise<void>;
}

const holder = globalThis as typeof globalThis & { __reflexReadiness?: TrackerState };

function tracker(): TrackerState {
  holder.__reflexReadiness ??= { last: new Map(), pending: [], queue: Promise.resolve() };
  return holder.__reflexReadiness;
}

export function resetReadinessTrackingForTests(): void {
  holder.__reflexReadiness = undefined;
  resetCoverageThrottleForTests();
}

// Incidents not yet written (the database is or was down): shown on /status next to the stored ones.
export function pendingIncidentWrites(): readonly PendingWrite[] {
  return tracker().pending;
}

async function apply(write: PendingWrite): Promise<void> {
  if (write.op === 'open') {
    await recordIncident({ state: 'open', component: write.component, kind: write.kind, title: write.title, detail: write.detail, startedAt: write.at });
  } else {
    await recordIncident({ state: 'resolved', component: write.component, kind: write.kind, resolvedAt: write.at });
  }
}

async function noteTransitions(checks: readonly CheckResult[]): Promise<void> {
  const t = tracker();
  const writes: PendingWrite[] = [];
  const firstSeenUp: string[] = [];
  const now = new Date();
  for (const check of checks) {
    if (check.status === 'disabled' || check.starting) continue;
    const down = check.status === 'down';
    const previous = t.last.get(check.name);
    t.last.set(check.name, down ? 'down' : 'up');
    if (down && previous !== 'down') {
      writes.push({ op: 'open', component: check.name, kind: 'dependency_down', title: `${check.label} unavailable`, detail: check.detail, at: now });
    } else if (!down && previous === 'down') {
      writes.push({ op: 'resolve', component: check.name, kind: 'dependency_down', at: now });
    } else if (!down && previous === undefined) {
      firstSeenUp.push(check.name);
    }
  }
  t.pending.push(...writes);
  // Writing needs the database; a report without a database check (custom probes) just tries.
  const database = checks.find((c) => c.name === 'database');
  if (database && database.status !== 'up') return;
  try {
    while (t.pending.length > 0) {
      const next = t.pending[0];
      if (next) await apply(next);
      t.pending.shift();
    }
    await resolveStaleDependencyIncidents(firstSeenUp);
  } catch (err) {
    logger.error('could not record incidents', { error: err instanceof Error ? err.message : String(err) });
  }
}

// Uptime on /status counts only the time readiness was watching (lib/health/coverage.ts). Needs the database.
async function noteCoverage(checks: readonly CheckResult[]): Promise<void> {
  const database = checks.find((c) => c.name === 'database');
  if (database && database.status !== 'up') return;
  const watched = checks.filter((c) => c.status !== 'disabled' && !c.starting).map((c) => c.name);
  try {
    await noteObservation(watched, Date.now());
  } catch (err) {
    logger.error('could not record readiness coverage', { error: err instanceof Error ? err.message : String(err) });
  }
}

const GAUGE = { up: 1, degraded: 0.5, down: 0 } as const;

// The readiness report for /api/health/ready and /status. Also turns status changes into incidents (opened
// when a dependency goes down, resolved when it comes back) and keeps the reflex_dependency_up gauge current.
export async function checkReadiness(opts: { probes?: Probe[]; timeoutMs?: number } = {}): Promise<ReadinessReport> {
  const report = await runChecks(opts.probes ?? defaultProbes(), { timeoutMs: opts.timeoutMs });
  for (const c of report.checks) if (c.status !== 'disabled') setDependencyUp(c.name, GAUGE[c.status]);
  // One at a time, so two concurrent probes cannot both see the same transition.
  const t = tracker();
  const done = t.queue.then(() => noteTransitions(report.checks));
  t.queue = done.catch(() => undefined);
  await done;
  await noteCoverage(report.checks);
  await evaluatePipelineSpike();
  return report;
}
