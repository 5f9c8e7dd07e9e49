import { z } from 'zod';
import { logger } from '@/lib/log';
import { getMaintenanceState } from '@/lib/maintenance';
import { CHECK_STATUSES } from './checks';
import { incidentSchema, listRecentIncidents, type Incident } from './incidents';
import { readComponentUptime, type DownSpan } from './coverage';
import { checkReadiness, pendingIncidentWrites } from './readiness';
import { UPTIME_DAYS, type UptimeSummary } from './uptime';

export const STATUS_CACHE_MS = 15_000;

const componentUptimeSchema = z
  .object({
    // Share of the observed time the component was up; null when it was never observed in the window.
    percent: z.number().min(0).max(100).nullable(),
    downtimeMs: z.number().int().min(0),
    // Oldest first, one per UTC calendar day, today last (counted up to now).
    days: z.array(
      z.object({ date: z.iso.date(), percent: z.number().min(0).max(100).nullable(), downtimeMs: z.number().int().min(0) }),
    ),
  })
  .meta({ id: 'ComponentUptime' });
export type ComponentUptime = z.infer<typeof componentUptimeSchema>;

export const statusSnapshotSchema = z
  .object({
    overall: z.enum(['operational', 'degraded', 'outage']),
    generatedAt: z.iso.datetime(),
    components: z.array(
      z.object({
        name: z.string(),
        label: z.string(),
        status: z.enum(CHECK_STATUSES),
        detail: z.string(),
        // null for a component that is not configured, or when the history could not be read.
        uptime: componentUptimeSchema.nullable(),
      }),
    ),
    uptimeDays: z.number().int(),
    incidents: z.array(incidentSchema),
    maintenance: z.object({ enabled: z.boolean(), message: z.string() }),
  })
  .meta({ id: 'StatusSnapshot' });
export type StatusSnapshot = z.infer<typeof statusSnapshotSchema>;

// Incidents noticed while the database was down have not been written yet; show them anyway.
function unwrittenIncidents(): Incident[] {
  const out: Incident[] = [];
  for (const [i, w] of pendingIncidentWrites().entries()) {
    if (w.op === 'open') {
      out.push({ id: `pending-${i}`, component: w.component, kind: w.kind, status: 'open', title: w.title, detail: w.detail, startedAt: w.at.toISOString(), resolvedAt: null });
    } else {
      const opened = out.find((o) => o.component === w.component && o.kind === w.kind && o.status === 'open');
      if (opened) Object.assign(opened, { status: 'resolved', resolvedAt: w.at.toISOString() });
    }
  }
  return out.reverse();
}

function toComponentUptime(u: UptimeSummary): ComponentUptime {
  return {
    percent: u.percent,
    downtimeMs: Math.round(u.downMs),
    days: u.days.map((d) => ({ date: d.date, percent: d.percent, downtimeMs: Math.round(d.downMs) })),
  };
}

// Outages seen while the database was down count on the uptime bars before they are written.
function unwrittenOutages(incidents: readonly Incident[]): DownSpan[] {
  return incidents
    .filter((i) => i.kind === 'dependency_down')
    .map((i) => ({ component: i.component, start: Date.parse(i.startedAt), end: i.resolvedAt ? Date.parse(i.resolvedAt) : null }));
}

async function readUptime(names: string[], unwritten: Incident[], now: number): Promise<Map<string, UptimeSummary>> {
  try {
    return await readComponentUptime(names, { now, unwritten: unwrittenOutages(unwritten) });
  } catch (err) {
    logger.warn('status page: uptime unavailable', { error: err instanceof Error ? err.message : String(err) });
    return new Map();
  }
}

async function buildSnapshot(now: number): Promise<StatusSnapshot> {
  const [readiness, maintenance] = await Promise.all([checkReadiness(), getMaintenanceState()]);
  let stored: Incident[] = [];
  try {
    stored = await listRecentIncidents();
  } catch (err) {
    logger.warn('status page: incidents unavailable', { error: err instanceof Error ? err.message : String(err) });
  }
  const unwritten = unwrittenIncidents();
  const watched = readiness.checks.filter((c) => c.status !== 'disabled').map((c) => c.name);
  const uptime = await readUptime(watched, unwritten, now);
  const overall = readiness.status === 'not_ready' ? 'outage' : readiness.status === 'degraded' ? 'degraded' : 'operational';
  return {
    overall,
    generatedAt: readiness.checkedAt,
    // Only platform components: names, states and the public detail line; nothing about any tenant.
    components: readiness.checks.map(({ name, label, status, detail }) => {
      const u = uptime.get(name);
      return { name, label, status, detail, uptime: u ? toComponentUptime(u) : null };
    }),
    uptimeDays: UPTIME_DAYS,
    incidents: [...unwritten, ...stored],
    // Users whose changes are refused should find the reason here.
    maintenance: { enabled: maintenance.enabled, message: maintenance.message },
  };
}

interface Cache {
  at: number;
  value: Promise<StatusSnapshot>;
}

const holder = globalThis as typeof globalThis & { __reflexStatusCache?: Cache };

// Cached for STATUS_CACHE_MS so that a public page under load does not become a load on the database; concurrent
// callers share one build.
export function getStatusSnapshot(now = Date.now()): Promise<StatusSnapshot> {
  const cached = holder.__reflexStatusCache;
  if (cached && now - cached.at < STATUS_CACHE_MS) return cached.value;
  const value = buildSnapshot(now);
  holder.__reflexStatusCache = { at: now, value };
  value.catch(() => {
    if (holder.__reflexStatusCache?.value === value) holder.__reflexStatusCache = undefined;
  });
  return value;
}

export function resetStatusCacheForTests(): void {
  holder.__reflexStatusCache = undefined;
}
