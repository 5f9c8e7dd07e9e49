import { z } from 'zod';

export const CHECK_STATUSES = ['up', 'degraded', 'down', 'disabled'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export const checkResultSchema = z
  .object({
    name: z.string(),
    label: z.string(),
    required: z.boolean(),
    status: z.enum(CHECK_STATUSES),
    backend: z.string(),
    latencyMs: z.number().int().min(0),
    detail: z.string(),
  })
  .meta({ id: 'ReadinessCheck' });
export type CheckResult = z.infer<typeof checkResultSchema> & { starting?: boolean };

export const readinessReportSchema = z
  .object({
    status: z.enum(['ready', 'degraded', 'not_ready']),
    checkedAt: z.iso.datetime(),
    checks: z.array(checkResultSchema),
  })
  .meta({ id: 'Readiness' });
export type ReadinessReport = Omit<z.infer<typeof readinessReportSchema>, 'checks'> & { checks: CheckResult[] };

export interface ProbeOutcome {
  status: Exclude<CheckStatus, 'disabled'> | 'disabled';
  detail: string;
  // The dependency is still being opened for the first time (the embedded database migrates at start):
  // not ready, but not an outage either.
  starting?: boolean;
}

export interface Probe {
  name: string;
  label: string;
  required: boolean;
  backend: string;
  run(signal: AbortSignal): Promise<ProbeOutcome>;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

// Runs one probe against its own deadline. A probe that ignores the signal still cannot hold the report: the
// race settles at the deadline and the late result is dropped.
async function runProbe(probe: Probe, timeoutMs: number, now: () => number): Promise<CheckResult> {
  const controller = new AbortController();
  const started = now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<ProbeOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ status: 'down', detail: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  const attempt = probe.run(controller.signal).catch(
    (): ProbeOutcome => ({ status: 'down', detail: 'check failed' }),
  );
  try {
    const outcome = await Promise.race([attempt, deadline]);
    const result: CheckResult = {
      name: probe.name,
      label: probe.label,
      required: probe.required,
      status: outcome.status,
      backend: probe.backend,
      latencyMs: Math.max(0, Math.round(now() - started)),
      detail: outcome.detail,
    };
    if (outcome.starting) result.starting = true;
    return result;
  } finally {
    clearTimeout(timer);
  }
}

// Ready unless a required dependency is down; degraded when an optional one is down or degraded.
export function overallStatus(checks: readonly CheckResult[]): ReadinessReport['status'] {
  if (checks.some((c) => c.required && c.status === 'down')) return 'not_ready';
  if (checks.some((c) => c.status === 'down' || c.status === 'degraded')) return 'degraded';
  return 'ready';
}

export async function runChecks(
  probes: readonly Probe[],
  opts: { timeoutMs?: number; now?: () => number } = {},
): Promise<ReadinessReport> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const now = opts.now ?? performance.now.bind(performance);
  const checks = await Promise.all(probes.map((p) => runProbe(p, timeoutMs, now)));
  return { status: overallStatus(checks), checkedAt: new Date().toISOString(), checks };
}
