import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { raisePlatformAlert } from '@/lib/alerts/raise';
import { getDb } from '@/lib/db/client';
import { platformSettings } from '@/lib/db/schema';
import type { Database } from '@/lib/db/types';
import { getEnv, type Env } from '@/lib/env';
import { logger } from '@/lib/log';
import { takeMeasurements } from './measure';
import { judgeMeasurements, judgeTraffic, type Finding } from './rules';
import { diffSnapshots, takeMetricSnapshot, type MetricSnapshot } from './window';

// Breaches in progress, shared by every instance (and kept over restarts) in platform_settings, so one breach
// is announced once, reminded every SLO_REALERT_MINUTES, and resolved once. The metric baseline stays in memory:
// the counters it is compared with are this process's own.
const SETTING_KEY = 'slo.breaches';
const breachesSchema = z.record(z.string(), z.object({ since: z.number(), lastAlertAt: z.number(), title: z.string() }));
type Breaches = z.infer<typeof breachesSchema>;

const holder = globalThis as typeof globalThis & { __reflexSloBaseline?: { at: number; snapshot: MetricSnapshot } };

export function resetSloBaselineForTests(): void {
  holder.__reflexSloBaseline = undefined;
}

export type SloAlertKind = 'breached' | 'reminder' | 'resolved';

export interface SloEvaluation {
  breached: string[];
  alerts: { id: string; kind: SloAlertKind }[];
  unmeasured: string[];
}

async function readBreaches(db: Database): Promise<Breaches> {
  const [row] = await db.select().from(platformSettings).where(eq(platformSettings.key, SETTING_KEY)).limit(1);
  const parsed = breachesSchema.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : {};
}

async function writeBreaches(db: Database, value: Breaches): Promise<void> {
  const updatedAt = new Date();
  await db
    .insert(platformSettings)
    .values({ key: SETTING_KEY, value, updatedAt })
    .onConflictDoUpdate({ target: platformSettings.key, set: { value, updatedAt } });
}

async function announce(f: Finding, kind: SloAlertKind, since: number, now: number): Promise<void> {
  const incident = { key: `slo:${f.id}`, action: kind === 'resolved' ? ('resolve' as const) : ('trigger' as const) };
  const key = kind === 'resolved' ? `slo:${f.id}:${since}:resolved` : kind === 'reminder' ? `slo:${f.id}:${since}:${now}` : `slo:${f.id}:${since}`;
  await raisePlatformAlert(
    {
      key,
      title: kind === 'resolved' ? `Resolved: ${f.title}` : kind === 'reminder' ? `Still ongoing: ${f.title}` : f.title,
      text: kind === 'resolved' ? 'Back within the objective.' : f.text,
      severity: kind === 'resolved' ? 'info' : f.severity,
      incident,
    },
    // The event id makes a re-run of the same evaluation (a retried step) send nothing twice.
    { id: key.replaceAll(':', '-') },
  );
}

// Judges every objective over the window since the previous evaluation and alerts on changes. `now` is the
// evaluation's clock (the cron slot), so a test can move it.
export async function evaluateSlos(opts: { now?: number; env?: Env; db?: Database } = {}): Promise<SloEvaluation> {
  const now = opts.now ?? Date.now();
  const env = opts.env ?? getEnv();
  const db = opts.db ?? (await getDb());
  const breaches = await readBreaches(db);

  const snapshot = await takeMetricSnapshot();
  const baseline = holder.__reflexSloBaseline;
  const window = diffSnapshots(snapshot, baseline?.snapshot);
  // Without a baseline the window is the process's life so far; its length is unknown, call it one tick.
  const windowMs = baseline ? Math.max(0, now - baseline.at) : 5 * 60_000;
  holder.__reflexSloBaseline = { at: now, snapshot };
  const measured = await takeMeasurements(env, now, db);
  if (measured.failed.length) logger.warn('slo: some measurements failed', { failed: measured.failed });

  const findings = [...judgeTraffic(window, windowMs, env), ...judgeMeasurements(measured.values, env)];
  const realertMs = env.SLO_REALERT_MINUTES * 60_000;
  const alerts: SloEvaluation['alerts'] = [];
  for (const f of findings) {
    const open = breaches[f.id];
    if (f.breached === true && !open) {
      breaches[f.id] = { since: now, lastAlertAt: now, title: f.title };
      alerts.push({ id: f.id, kind: 'breached' });
      await announce(f, 'breached', now, now);
    } else if (f.breached === true && open && now - open.lastAlertAt >= realertMs) {
      open.lastAlertAt = now;
      alerts.push({ id: f.id, kind: 'reminder' });
      await announce(f, 'reminder', open.since, now);
    } else if (f.breached === false && open) {
      delete breaches[f.id];
      alerts.push({ id: f.id, kind: 'resolved' });
      await announce({ ...f, title: open.title }, 'resolved', open.since, now);
    }
  }
  await writeBreaches(db, breaches);
  return {
    breached: Object.keys(breaches).sort(),
    alerts,
    unmeasured: findings.filter((f) => f.breached === null).map((f) => f.id),
  };
}
