import { logger } from '@/lib/log';
import { recordIncident } from './incidents';

// A failure spike: within the window, at least MIN_FAILURES failed runs making up at least SPIKE_RATIO of all
// runs. It ends when the window's failure ratio falls under CALM_RATIO (or failures age out). Counted per
// instance: a serverless deployment sees its own share, which is enough to notice a provider outage.
export const SPIKE_WINDOW_MS = 5 * 60_000;
export const MIN_FAILURES = 5;
export const SPIKE_RATIO = 0.5;
export const CALM_RATIO = 0.2;

const MAX_RUNS = 10_000;

export const PIPELINE_COMPONENT = 'pipelines';

interface SpikeState {
  runs: { at: number; failed: boolean }[];
  spiking: boolean;
}

const holder = globalThis as typeof globalThis & { __reflexPipelineSpikes?: SpikeState };

function state(): SpikeState {
  holder.__reflexPipelineSpikes ??= { runs: [], spiking: false };
  return holder.__reflexPipelineSpikes;
}

export function resetPipelineSpikesForTests(): void {
  holder.__reflexPipelineSpikes = undefined;
}

// Returns the incident write it started, if any, so that callers who care (tests, readiness) can await it;
// observePipelineRun does not.
export function evaluatePipelineSpike(now = Date.now()): Promise<void> | undefined {
  const s = state();
  s.runs = s.runs.filter((r) => now - r.at < SPIKE_WINDOW_MS);
  const failures = s.runs.filter((r) => r.failed).length;
  const ratio = s.runs.length === 0 ? 0 : failures / s.runs.length;
  if (!s.spiking && failures >= MIN_FAILURES && ratio >= SPIKE_RATIO) {
    s.spiking = true;
    return write({
      state: 'open',
      component: PIPELINE_COMPONENT,
      kind: 'pipeline_failures',
      title: 'Document processing is failing more often than usual',
      detail: `${failures} of the last ${s.runs.length} pipeline runs failed; failed steps are retried automatically.`,
    });
  }
  if (s.spiking && (failures < MIN_FAILURES || ratio < CALM_RATIO)) {
    s.spiking = false;
    return write({ state: 'resolved', component: PIPELINE_COMPONENT, kind: 'pipeline_failures' });
  }
  return undefined;
}

function write(input: Parameters<typeof recordIncident>[0]): Promise<void> {
  return recordIncident(input).then(
    () => undefined,
    (err: unknown) => logger.error('could not record pipeline incident', { error: err instanceof Error ? err.message : String(err) }),
  );
}

export function notePipelineRun(outcome: 'succeeded' | 'failed' | 'cancelled', now = Date.now()): Promise<void> | undefined {
  // A cancelled run is a decision, not a failure.
  if (outcome === 'cancelled') return undefined;
  const runs = state().runs;
  runs.push({ at: now, failed: outcome === 'failed' });
  // Bounded memory on a busy instance: the newest runs are the ones that matter.
  if (runs.length > MAX_RUNS) runs.splice(0, runs.length - MAX_RUNS);
  return evaluatePipelineSpike(now);
}
