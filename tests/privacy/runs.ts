import { drainLocalRunner, listRuns, waitForRun } from '@/inngest/local';
import type { RunStatus } from '@/lib/db/schema';

const UNFINISHED: RunStatus[] = ['queued', 'running', 'retrying', 'sleeping', 'waiting'];

// Lets the real local runner finish every run of these functions (and their failure handlers).
export async function finishRunsOf(...functionIds: string[]): Promise<void> {
  const ids = functionIds.flatMap((id) => [id, `${id}-failure`]);
  for (;;) {
    await drainLocalRunner(60_000);
    const open = (await Promise.all(ids.map((functionId) => listRuns({ functionId, status: UNFINISHED })))).flat();
    if (open.length === 0) return;
    for (const run of open) await waitForRun(run.id, 60_000);
  }
}
