import { Counter } from 'prom-client';
import { getMetrics } from '@/lib/metrics/registry';

type Outcome = 'allowed' | 'refused';

// Registered on the application's registry (lib/metrics), once per process: kept on globalThis for the same
// reason the registry is (dev reloads would register it twice, which prom-client refuses).
const holder = globalThis as typeof globalThis & { __reflexRateLimitDegraded?: Counter<'limiter' | 'outcome'> };

function counter(): Counter<'limiter' | 'outcome'> {
  holder.__reflexRateLimitDegraded ??= new Counter({
    name: 'reflex_rate_limit_degraded_total',
    help: 'Rate-limit decisions taken without the KV backend (unreachable or too slow), by limiter and outcome (allowed = fail-open, refused = fail-closed)',
    labelNames: ['limiter', 'outcome'] as const,
    registers: [getMetrics().registry],
  });
  return holder.__reflexRateLimitDegraded;
}

export function noteDegradedDecision(limiter: string, outcome: Outcome): void {
  counter().inc({ limiter, outcome });
}

export async function degradedDecisionCount(limiter: string, outcome: Outcome): Promise<number> {
  const data = await counter().get();
  return data.values.find((v) => v.labels.limiter === limiter && v.labels.outcome === outcome)?.value ?? 0;
}
