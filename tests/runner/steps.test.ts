import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heartbeatRequested } from '@/lib/events/system';
import { sendEvent } from '@/lib/events/send';
import { counters, doomRequested, fanOutRequested, flakyRequested, journal, memoRequested, napRequested } from '../fixtures/runner/functions';
import { getRun, listRuns } from '@/inngest/local';
import { drainLocalRunner, newTenant, onlyRunOf, startFixtureRunner, waitForRun } from './harness';

let stop: () => Promise<void>;
beforeAll(async () => {
  stop = await startFixtureRunner();
});
afterAll(() => stop());

describe('local runner: steps', () => {
  it('memoizes completed steps: each step body runs once, recorded before the next one starts', async () => {
    const { ids } = await sendEvent(memoRequested, { tenantId: newTenant(), label: 'm' });
    const run = await waitForRun((await onlyRunOf(ids[0])).id);
    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ joined: 'm-a-b-c' });
    expect([counters['memo:a'], counters['memo:b'], counters['memo:c']]).toEqual([1, 1, 1]);
    // The SDK checkpoints each step to the runner and goes on in the same call: one call, no replay.
    expect(counters['memo:body']).toBe(1);
    expect(counters['memo:a-recorded-before-b']).toBe(1);
    expect(run.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ['a', 'completed', 1],
      ['b', 'completed', 1],
      ['c', 'completed', 1],
    ]);
  });

  it('runs parallel steps one by one through the planned-step protocol', async () => {
    const { ids } = await sendEvent(fanOutRequested, { tenantId: newTenant() });
    const run = await waitForRun((await onlyRunOf(ids[0])).id);
    expect(run).toMatchObject({ status: 'completed', output: 2 });
    expect([counters['fan:x'], counters['fan:y']]).toEqual([1, 1]);
    // x and y were planned together, so their relative order is not defined.
    const names = run.steps.map((s) => s.name);
    expect([...names.slice(0, 2)].sort().concat(names.slice(2))).toEqual(['x', 'y', 'pause', 'sum']);
    expect(run.steps.every((s) => s.status === 'completed')).toBe(true);
  });

  it("serves the app's own functions: a heartbeat request is answered", async () => {
    const tenantId = newTenant();
    const requestedAt = new Date().toISOString();
    const { ids } = await sendEvent(heartbeatRequested, { tenantId, requestedAt });
    const run = await waitForRun((await onlyRunOf(ids[0])).id);
    expect(run).toMatchObject({ functionId: 'reflex-record-heartbeat', status: 'completed', ownerTenant: tenantId });
    expect(run.output).toMatchObject({ tenantId, requestedAt, answeredAt: expect.any(String) });
  });

  it('rejects event data that does not match the event schema, before sending', async () => {
    await expect(sendEvent(memoRequested, { tenantId: 'not-a-uuid', label: 'x' })).rejects.toThrow(/uuid/i);
    await expect(sendEvent(heartbeatRequested, { tenantId: newTenant(), requestedAt: 'yesterday' })).rejects.toThrow();
  });

  it('retries a failing step with backoff until it succeeds', async () => {
    const { ids } = await sendEvent(flakyRequested, { tenantId: newTenant() });
    const run = await waitForRun((await onlyRunOf(ids[0])).id);
    expect(run.status).toBe('completed');
    expect(run.output).toBe('ok');
    expect(counters.flaky).toBe(3);
    expect(run.steps).toMatchObject([{ name: 'flaky', status: 'completed', attempts: 3 }]);
  });

  it('fails the run when retries are exhausted and runs onFailure with the failed event', async () => {
    const tenantId = newTenant();
    const { ids } = await sendEvent(doomRequested, { tenantId });
    const run = await waitForRun((await onlyRunOf(ids[0])).id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ message: expect.stringContaining('boom') });
    // retries: 1 means two attempts.
    expect(counters.doomed).toBe(2);
    expect(run.steps).toMatchObject([{ name: 'explode', status: 'failed', attempts: 2 }]);
    await drainLocalRunner();
    const [failure] = await listRuns({ functionId: 'fixture-doomed-failure' });
    expect(failure).toMatchObject({ status: 'completed', ownerTenant: tenantId, event: { name: 'inngest/function.failed' } });
    expect(journal).toContain(`failure:${run.id}:${tenantId}:boom`);
  });

  it('sleeps, then continues after the wake time', async () => {
    const { ids } = await sendEvent(napRequested, { tenantId: newTenant() });
    const started = await onlyRunOf(ids[0]);
    const run = await waitForRun(started.id);
    expect(run.status).toBe('completed');
    expect(journal.filter((l) => l.startsWith('nap:'))).toEqual(['nap:before', 'nap:after']);
    const [before, nap, after] = run.steps;
    expect([before?.name, nap?.name, after?.name]).toEqual(['before', 'nap', 'after']);
    expect(nap).toMatchObject({ op: 'Sleep', status: 'completed' });
    // Ordering, not duration: the step after the sleep began no earlier than the wake time the sleep recorded.
    expect(after!.startedAt.getTime()).toBeGreaterThanOrEqual(nap!.wakeAt!.getTime());
    expect(nap!.wakeAt!.getTime()).toBeGreaterThan(before!.endedAt!.getTime());
    expect(await getRun(run.id)).toMatchObject({ status: 'completed', output: 'rested' });
  });
});
