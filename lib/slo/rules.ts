import type { Env } from '@/lib/env';
import { formatBytes, formatDuration, formatNumber } from '@/lib/ui/format';
import type { Measurements } from './measure';
import { p95Ms, type MetricSnapshot } from './window';

// One objective judged over one window. breached null: not enough traffic (or no measurement) to judge, which
// leaves an ongoing breach open rather than calling it resolved.
export interface Finding {
  id: string;
  breached: boolean | null;
  title: string;
  text: string;
  severity: 'warning' | 'critical';
}

const percent = (n: number) => `${formatNumber(Math.round(n * 10) / 10)}%`;

export function latencyThresholds(env: Env): Map<string, number> {
  const out = new Map<string, number>();
  for (const pair of (env.SLO_P95_LATENCY_MS_BY_GROUP ?? '').split(',')) {
    const [group, ms] = pair.split('=').map((s) => s.trim());
    if (group && ms) out.set(group, Number(ms));
  }
  return out;
}

export function judgeTraffic(window: MetricSnapshot, windowMs: number, env: Env): Finding[] {
  const span = formatDuration(windowMs);
  const findings: Finding[] = [];
  let requests = 0;
  let errors = 0;
  for (const g of window.groups.values()) {
    requests += g.requests;
    errors += g.errors;
  }
  const errorRate = requests > 0 ? (errors / requests) * 100 : 0;
  findings.push({
    id: 'error-rate',
    breached: requests >= env.SLO_MIN_REQUESTS ? errorRate > env.SLO_ERROR_RATE_PERCENT : null,
    title: `Error rate ${percent(errorRate)}, above the ${percent(env.SLO_ERROR_RATE_PERCENT)} objective`,
    text: `${formatNumber(errors)} of ${formatNumber(requests)} requests in the last ${span} were answered with a server error.`,
    severity: 'critical',
  });
  const overrides = latencyThresholds(env);
  for (const [group, g] of [...window.groups.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const limit = overrides.get(group) ?? env.SLO_P95_LATENCY_MS;
    const p95 = p95Ms(g.buckets);
    findings.push({
      id: `latency:${group}`,
      breached: g.requests >= env.SLO_MIN_REQUESTS && p95 !== null ? p95 > limit : null,
      title: `Slow responses on /${group}: p95 ${formatNumber(Math.round(p95 ?? 0))} ms, objective ${formatNumber(limit)} ms`,
      text: `95% of the ${formatNumber(g.requests)} requests to the ${group} routes in the last ${span} took up to ${formatNumber(Math.round(p95 ?? 0))} ms.`,
      severity: 'warning',
    });
  }
  const failureRate = window.pipelineRuns > 0 ? (window.pipelineFailures / window.pipelineRuns) * 100 : 0;
  findings.push({
    id: 'pipeline-failures',
    breached: window.pipelineRuns >= env.SLO_MIN_PIPELINE_RUNS ? failureRate > env.SLO_PIPELINE_FAILURE_PERCENT : null,
    title: `Pipeline failure rate ${percent(failureRate)}, above the ${percent(env.SLO_PIPELINE_FAILURE_PERCENT)} objective`,
    text: `${formatNumber(window.pipelineFailures)} of ${formatNumber(window.pipelineRuns)} pipeline runs in the last ${span} failed.`,
    severity: 'critical',
  });
  return findings;
}

function capacity(id: string, what: string, used: number | null, limit: number, env: Env, show: (n: number) => string): Finding {
  const share = used === null ? 0 : (used / limit) * 100;
  return {
    id: `capacity:${id}`,
    breached: used === null ? null : share >= env.CAPACITY_ALERT_PERCENT,
    title: `${what} at ${percent(share)} of its limit`,
    text: `${what} uses ${show(used ?? 0)} of ${show(limit)}; the alert fires at ${percent(env.CAPACITY_ALERT_PERCENT)}.`,
    severity: 'warning',
  };
}

const MB = 1024 * 1024;

export function judgeMeasurements(m: Measurements, env: Env): Finding[] {
  const findings: Finding[] = [
    capacity('database', 'Database storage', m.databaseBytes, env.CAPACITY_DATABASE_MB * MB, env, formatBytes),
    capacity('blob', 'Blob storage', m.blobBytes, env.CAPACITY_BLOB_MB * MB, env, formatBytes),
  ];
  if (m.queue) {
    findings.push(capacity('runner-backlog', 'Pipeline runner backlog', m.queue.backlog, env.CAPACITY_RUNNER_BACKLOG, env, (n) => `${formatNumber(n)} runs`));
    findings.push({
      id: 'queue-age',
      breached: m.queue.oldestWaitSeconds > env.SLO_QUEUE_AGE_SECONDS,
      title: `Pipeline runs waiting ${formatDuration(m.queue.oldestWaitSeconds * 1000)} to start`,
      text: `The oldest pipeline run ready to start has waited ${formatDuration(m.queue.oldestWaitSeconds * 1000)} (objective: under ${formatDuration(env.SLO_QUEUE_AGE_SECONDS * 1000)}); ${formatNumber(m.queue.backlog)} runs are unfinished.`,
      severity: 'warning',
    });
  }
  return findings;
}
