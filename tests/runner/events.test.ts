import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelRuns, getRun } from '@/inngest/local';
import { sendEvent } from '@/lib/events/send';
import {
  approvalGiven,
  approvalRequested,
  holdCancelled,
  holdRequested,
  journal,
  openLatch,
  workRequested,
} from '../fixtures/runner/functions';
import { drainLocalRunner, newTenant, onlyRunOf, startFixtureRunner, until, waitForRun } from './harness';

let stop: () => Promise<void>;
beforeAll(async () => {
  stop = await startFixtureRunner();
});
afterAll(() => stop());

describe('local runner: waitForEvent', () => {
  it('resumes when a matching event arrives, ignoring events that do not match', async () => {
    const tenantId = newTenant();
    const { ids } = await sendEvent(approvalRequested, { tenantId, documentId: 'doc-1', timeout: '1h' });
    const waiting = await onlyRunOf(ids[0]);
    expect(waiting.status).toBe('waiting');
    expect(waiting.steps).toMatchObject([{ name: 'approval', op: 'WaitForEvent', status: 'waiting' }]);

    await sendEvent(approvalGiven, { tenantId, documentId: 'doc-2', by: 'someone else' });
    await drainLocalRunner();
    expect((await getRun(waiting.id))?.status).toBe('waiting');

    await sendEvent(approvalGiven, { tenantId, documentId: 'doc-1', by: 'ada' });
    const run = await waitForRun(waiting.id);
    expect(run).toMatchObject({ status: 'completed', output: { approved: true, by: 'ada' } });
  });

  it('resolves to null when the timeout passes first', async () => {
    const { ids } = await sendEvent(approvalRequested, { tenantId: newTenant(), documentId: 'doc-3', timeout: '1s' });
    const run = await waitForRun((await onlyRunOf(ids[0])).id);
    expect(run).toMatchObject({ status: 'completed', output: { approved: false, by: null } });
  });
});

describe('local runner: per-tenant concurrency', () => {
  it('never overlaps two runs of one tenant, while another tenant proceeds', async () => {
    const [tenantA, tenantB] = [newTenant(), newTenant()];
    await sendEvent(workRequested, { tenantId: tenantA, label: 'A1', awaits: 'B-started' });
    await until(() => journal.includes('A1:start'));
    await sendEvent(workRequested, { tenantId: tenantA, label: 'A2' });
    await sendEvent(workRequested, { tenantId: tenantB, label: 'B', opens: 'B-started' });
    await drainLocalRunner();
    const lines = journal.filter((l) => /^(A1|A2|B):/.test(l));
    const at = (line: string) => lines.indexOf(line);
    expect(lines).toHaveLength(6);
    // A1 held tenant A's only slot until B had started (so B did not need that slot); A2 waited for A1 to end.
    expect(at('B:start')).toBeLessThan(at('A1:end'));
    expect(lines.slice(-2)).toEqual(['A2:start', 'A2:end']);
  });

  it("does not let one tenant's backlog hold back another tenant's run", async () => {
    const [tenantC, tenantD] = [newTenant(), newTenant()];
    await sendEvent(workRequested, { tenantId: tenantC, label: 'C0', awaits: 'D-started' });
    await until(() => journal.includes('C0:start'));
    for (let i = 1; i <= 30; i++) await sendEvent(workRequested, { tenantId: tenantC, label: `C${i}` });
    await sendEvent(workRequested, { tenantId: tenantD, label: 'D', opens: 'D-started' });
    await drainLocalRunner(60_000);
    const lines = journal.filter((l) => /^(C\d+|D):/.test(l));
    expect(lines).toHaveLength(64);
    expect(lines.slice(0, 2)).toEqual(['C0:start', 'D:start']);
    const c = lines.filter((l) => l.startsWith('C'));
    expect(c).toEqual(Array.from({ length: 31 }, (_, i) => [`C${i}:start`, `C${i}:end`]).flat());
  });
});

describe('local runner: cancellation', () => {
  it('cancels a run mid-step: the step result is discarded and nothing after it runs', async () => {
    const { ids } = await sendEvent(holdRequested, { tenantId: newTenant(), documentId: 'held', hold: true });
    await until(() => journal.includes('hold:held:first'));
    const [cancelled] = await cancelRuns({ eventData: { documentId: 'held' }, functionId: 'fixture-holder' });
    expect(cancelled).toBeDefined();
    openLatch('release:held');
    await drainLocalRunner();
    const run = await getRun(cancelled!);
    expect(run?.eventId).toBe(ids[0]);
    expect(run?.status).toBe('cancelled');
    expect(run?.steps.filter((s) => s.status === 'completed')).toEqual([]);
    expect(journal).toContain('hold:held:first');
    expect(journal).not.toContain('hold:held:after');
  });

  it('cancels a sleeping run when its cancelOn event arrives', async () => {
    const tenantId = newTenant();
    const { ids } = await sendEvent(holdRequested, { tenantId, documentId: 'napping', hold: false });
    const sleeping = await onlyRunOf(ids[0]);
    expect(sleeping.status).toBe('sleeping');
    await sendEvent(holdCancelled, { tenantId, documentId: 'someone-else' });
    await drainLocalRunner();
    expect((await getRun(sleeping.id))?.status).toBe('sleeping');
    await sendEvent(holdCancelled, { tenantId, documentId: 'napping' });
    expect(await waitForRun(sleeping.id)).toMatchObject({ status: 'cancelled' });
    expect(journal).not.toContain('hold:napping:after');
  });
});
