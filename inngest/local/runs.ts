import { inngest } from '@/inngest/client';
import * as store from './store';

// Read and cancel runs: plain database work, usable from any process or bundle whether or not a runner is started.
// The runner is platform-level: callers scope by tenant (filter.tenantId, or check run.ownerTenant) themselves.

export type StepView = store.StepRow;
export type RunView = store.RunRow & { steps: StepView[] };
export type RunFilter = store.RunFilter;

// Function ids are stored as the SDK sends them ('reflex-<id>'); callers may use the id they wrote.
function normalize(filter: RunFilter): RunFilter {
  const prefix = `${inngest.id}-`;
  const { functionId } = filter;
  return functionId && !functionId.startsWith(prefix) ? { ...filter, functionId: `${prefix}${functionId}` } : filter;
}

// The run with its steps (memoized results, pending sleeps and waits, attempts, timings), or null.
export async function getRun(runId: string): Promise<RunView | null> {
  const state = await store.loadRun(runId);
  return state ? { ...state.run, steps: state.steps } : null;
}

// Newest first, without steps (getRun has them).
export async function listRuns(filter: RunFilter, limit = 50): Promise<RunView[]> {
  const rows = await store.listRunRows(normalize(filter), limit);
  return rows.map((run) => ({ ...run, steps: [] }));
}

// Cancels unfinished runs that match; a step already in flight finishes, but its result is discarded and nothing
// after it runs. Returns the ids of the runs cancelled.
export async function cancelRuns(filter: RunFilter): Promise<string[]> {
  if (Object.values(filter).every((v) => v === undefined)) throw new Error('cancelRuns: refusing an empty filter');
  return store.cancelRunRows(normalize(filter));
}
