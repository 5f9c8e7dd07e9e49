import { z } from 'zod';
import { logger } from '@/lib/log';
import { getMaintenanceState } from '@/lib/maintenance';
import { CHECK_STATUSES } from './checks';
import { incidentSchema, listRecentIncidents, type Incident } from './incidents';
import { checkReadiness, pendingIncidentWrites } from './readiness';

export const STATUS_CACHE_MS = 15_000;

export const statusSnapshotSchema = z
  .object({
    overall: z.enum(['operational', 'degraded', 'outage']),
    generatedAt: z.iso.datetime(),
    components: z.array(z.object({ name: z.string(), label: z.string(), status: z.enum(CHECK_STATUSES), detail: z.string() })),
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

async function buildSnapshot(): Promise<StatusSnapshot> {
  const [readiness, maintenance] = await Promise.all([checkReadiness(), getMaintenanceState()]);
  let stored: Incident[] = [];
  try {
    stored = await listRecentIncidents();
  } catch (err) {
    logger.warn('status page: incidents unavailable', { error: err instanceof Error ? err.message : String(err) });
  }
  const overall = readiness.status === 'not_ready' ? 'outage' : readiness.status === 'degraded' ? 'degraded' : 'operational';
  return {
    overall,
    generatedAt: readiness.checkedAt,
    // Only platform components: names, states and the public detail line; nothing about any tenant.
    components: readiness.checks.map(({ name, label, status, detail }) => ({ name, label, status, detail })),
    incidents: [...unwrittenIncidents(), ...stored],
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
  const value = buildSnapshot();
  holder.__reflexStatusCache = { at: now, value };
  value.catch(() => {
    if (holder.__reflexStatusCache?.value === value) holder.__reflexStatusCache = undefined;
  });
  return value;
}

export function resetStatusCacheForTests(): void {
  holder.__reflexStatusCache = undefined;
}
