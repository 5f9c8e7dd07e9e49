import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns, startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { lanesFor, pickLane, PIPELINE_PLAN_SCHEDULING, type Plan } from '@/lib/documents/scheduling';
import { sendEvent } from '@/lib/events/send';
import {
  CAPPED_GLOBAL_LIMIT,
  cappedWork,
  cappedWorkRequested,
  gates,
  scheduledWork,
  scheduledWorkRequested,
  type Gate,
} from '../fixtures/runner/scheduling-functions';
import { drainLocalRunner, isolateRunnerDatabase, newTenant, until } from './harness';

// The runner honours the document pipeline's scheduling: per-plan lanes per tenant, the global cap, and the plan's
// priority among queued runs. The fixtures declare exactly the pipeline's constraints and expression.

let release: () => Promise<void>;
beforeAll(async () => {
  release = await isolateRunnerDatabase();
  await startLocalRunner({ functions: [scheduledWork, cappedWork], maxConcurrency: 20 });
});
afterAll(async () => {
  await stopLocalRunner();
  await release();
});

// Lets every held step finish, one at a time, oldest first.
async function releaseEach(gate: Gate, count: number, inFlightBefore?: (remaining: number) => number): Promise<void> {
  for (let done = 0; done < count; done++) {
    const expected = inFlightBefore?.(count - done) ?? 1;
    await until(() => gate.waiting.length >= expected);
    if (inFlightBefore) expect(gate.waiting).toHaveLength(expected);
    gate.waiting.shift()?.();
  }
}

async function untilRuns(functionId: string, count: number): Promise<void> {
  for (let i = 0; (await listRuns({ functionId }, 100)).length < count; i++) {
    if (i > 3000) throw new Error(`never saw ${count} runs of ${functionId}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('local runner: pipeline scheduling', () => {
  it('holds each tenant to its plan: standard 2, professional 4, enterprise 8 at once', async () => {
    const gate = gates.scheduled;
    const tenants: Record<Plan, string> = { standard: newTenant(), professional: newTenant(), enterprise: newTenant() };
    let sent = 0;
    for (const plan of ['standard', 'professional', 'enterprise'] as const) {
      for (let i = 0; i < 12; i++) {
        // Lanes round-robin here, so every lane has a backlog; the app spreads them by hash (pickLane).
        await sendEvent(scheduledWorkRequested, { tenantId: tenants[plan], plan, lane: i % lanesFor(plan), label: `${plan}-${i}` });
        sent++;
      }
    }
    // Everyone reaches their limit at the same time, with backlogs left for all three.
    await until(() => (['standard', 'professional', 'enterprise'] as const).every((p) => gate.running.get(tenants[p]) === PIPELINE_PLAN_SCHEDULING[p].concurrency));
    await releaseEach(gate, sent);
    await drainLocalRunner();

    expect(Object.fromEntries(Object.entries(tenants).map(([plan, id]) => [plan, gate.peak.get(id)]))).toEqual({ standard: 2, professional: 4, enterprise: 8 });
    const runs = await listRuns({ functionId: 'fixture-scheduled-work' }, 100);
    expect(runs).toHaveLength(sent);
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
  });

  it('holds all tenants together to the global cap, and starts queued runs by plan priority', async () => {
    const gate = gates.capped;
    const standard = newTenant();
    for (let i = 1; i <= 4; i++) await sendEvent(cappedWorkRequested, { tenantId: standard, plan: 'standard', lane: 0, label: `standard-${i}` });
    await until(() => gate.waiting.length === CAPPED_GLOBAL_LIMIT);
    // Sent once the standard tenant fills the cap and has a backlog, by tenants whose own limits are far from full.
    await sendEvent(cappedWorkRequested, { tenantId: newTenant(), plan: 'enterprise', lane: 3, label: 'enterprise' });
    await sendEvent(cappedWorkRequested, { tenantId: newTenant(), plan: 'professional', lane: 1, label: 'professional' });
    await untilRuns('fixture-capped-work', 6);
    await until(() => gate.waiting.length === CAPPED_GLOBAL_LIMIT);

    // Each release frees one slot of the cap; the next run to start is the best-placed queued one.
    await releaseEach(gate, 6, (remaining) => Math.min(CAPPED_GLOBAL_LIMIT, remaining));
    await drainLocalRunner();

    expect(gate.peakTotal).toBe(CAPPED_GLOBAL_LIMIT);
    expect([...gate.started.slice(0, 2)].sort()).toEqual(['standard-1', 'standard-2']);
    expect(gate.started.slice(2)).toEqual(['enterprise', 'professional', 'standard-3', 'standard-4']);
    const runs = await listRuns({ functionId: 'fixture-capped-work' }, 100);
    expect(Object.fromEntries(runs.map((r) => [String(r.event.data.label), r.priority]))).toMatchObject({ enterprise: 600, professional: 120, 'standard-1': 0 });
  });

  it('spreads a tenant’s documents over all of its lanes, and keeps a document on one lane', () => {
    const jobs = Array.from({ length: 64 }, (_, i) => {
      const hex = createHash('sha256').update(String(i)).digest('hex');
      const documentId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
      return { tenantId: newTenant(), documentId, generation: 1 };
    });
    for (const plan of ['standard', 'professional', 'enterprise'] as const) {
      const lanes = new Set(jobs.map((job) => pickLane(job, plan)));
      expect([...lanes].sort()).toEqual(Array.from({ length: lanesFor(plan) }, (_, i) => i));
      expect(jobs.every((job) => pickLane(job, plan) === pickLane({ ...job }, plan))).toBe(true);
    }
  });
});
