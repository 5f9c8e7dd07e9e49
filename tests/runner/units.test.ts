import { randomUUID } from 'node:crypto';
import { InngestTestEngine, mockCtx } from '@inngest/test';
import { describe, expect, it, vi } from 'vitest';
import * as route from '@/app/api/inngest/route';
import { compileExpression } from '@/inngest/local/expressions';
import { computeBackoffMs } from '@/inngest/local/outcome';
import { toCanonicalJson, resolveWakeTime } from '@/inngest/local/protocol';
import { computeWakeAt } from '@/inngest/local/wake';
import { approval, memoSteps } from '../fixtures/runner/functions';

// No database here: @inngest/test units, the runner's pure parts, and the public route's signature gate.

describe('fixture functions under @inngest/test', () => {
  it('runs every step and returns the joined result', async () => {
    const t = new InngestTestEngine({
      function: memoSteps,
      events: [{ name: 'test/memo-requested', data: { tenantId: randomUUID(), label: 'u' } }],
    });
    const { result, ctx } = await t.execute();
    expect(result).toEqual({ joined: 'u-a-b-c' });
    expect(ctx.step.run).toHaveBeenCalledWith('c', expect.any(Function));
  });

  it('returns who approved, with waitForEvent mocked through transformCtx', async () => {
    // A fresh engine per test; waitForEvent cannot be mocked through `steps` (inngest-js#1652).
    const t = new InngestTestEngine({
      function: approval,
      events: [{ name: 'test/approval-requested', data: { tenantId: randomUUID(), documentId: 'd', timeout: '1h' } }],
      transformCtx: (ctx) => {
        const mocked = mockCtx(ctx);
        mocked.step.waitForEvent = vi.fn(async () => ({ name: 'test/approval-given', data: { documentId: 'd', by: 'ada' } })) as never;
        return mocked;
      },
    });
    const { result } = await t.execute();
    expect(result).toEqual({ approved: true, by: 'ada' });
  });
});

describe('local runner internals', () => {
  it('evaluates the expressions Inngest functions use', () => {
    const event = { data: { documentId: 'd1', n: 3, tenantId: 't' } };
    const match = compileExpression('event.data.documentId == async.data.documentId');
    expect(match({ event, async: { data: { documentId: 'd1' } } })).toBe(true);
    expect(match({ event, async: { data: { documentId: 'd2' } } })).toBe(false);
    expect(match({ event: { data: {} }, async: { data: {} } })).toBe(false);
    expect(compileExpression("event.data.n == 3 && !(event.data['tenantId'] != 't')")({ event })).toBe(true);
    expect(compileExpression("event.data.function_id == 'x' || event.data.n != 4")({ event })).toBe(true);
    expect(compileExpression('event.data.missing == null || false')({ event })).toBe(false);
    expect(compileExpression('event.data.tenantId')({ event })).toBe('t');
    expect(() => compileExpression('size(event.data) > 1')).toThrow(/not supported/);
  });

  it('evaluates the arithmetic, ternaries and conversions priority and concurrency keys use', () => {
    const event = { data: { n: 7, plan: 'enterprise', tenantId: 't', lane: 2 } };
    const run = (source: string, data: Record<string, unknown> = event.data) => compileExpression(source)({ event: { data } });
    expect(run('event.data.n * 2 + 1 - -3')).toBe(18);
    expect(run('(event.data.n + 1) * 2')).toBe(16);
    expect(run('event.data.n / 2')).toBe(3);
    expect(run('event.data.n / 0')).toBeUndefined();
    expect(run("event.data.tenantId + ':' + string(event.data.lane)")).toBe('t:2');
    expect(run("int('42') + event.data.n")).toBe(49);
    expect(run("event.data.tenantId + event.data.n")).toBeUndefined();
    expect(run('event.data.n >= 7 && event.data.n < 8 && !(event.data.n > 7) && event.data.n <= 7')).toBe(true);
    expect(run("event.data.missing < 3 || 'a' < 1")).toBe(false);
    const priority = "event.data.plan == 'enterprise' ? 600 : (event.data.plan == 'professional' ? 120 : 0)";
    expect(run(priority)).toBe(600);
    expect(run(priority, { plan: 'professional' })).toBe(120);
    expect(run(priority, {})).toBe(0);
    // Right-associative without parentheses, as in CEL.
    expect(run("event.data.plan == 'x' ? 1 : event.data.n == 7 ? 2 : 3")).toBe(2);
    expect(run('event.data.missing ? 1 : 2')).toBeUndefined();
    expect(() => compileExpression('event.data.n ? 1')).toThrow(/not supported/);
    expect(() => compileExpression('event.data.n % 2')).toThrow(/not supported/);
  });

  it('doubles the retry delay up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((a) => computeBackoffMs(a, 100, 1_000))).toEqual([100, 200, 400, 800, 1_000]);
  });

  it('sets its timer for the next ready run, and wakes at once for a run that fell due while it was querying', () => {
    const base = { realNow: 1_000, slotFree: true, cronAt: [], capMs: null };
    expect(computeWakeAt({ ...base, nextRunAt: 1_040 })).toBe(1_040);
    // The pump's queries took longer than the run's retry backoff: no launch happened and no kick will come.
    expect(computeWakeAt({ ...base, nextRunAt: 990 })).toBe(1_000);
    // Every slot is taken: the next finishing run kicks the runner, so no timer spins meanwhile.
    expect(computeWakeAt({ ...base, nextRunAt: 990, slotFree: false })).toBeNull();
    expect(computeWakeAt({ ...base, nextRunAt: null })).toBeNull();
  });

  it('wakes for the earliest cron slot still ahead, and at least every cap while crons exist', () => {
    const base = { realNow: 1_000, nextRunAt: null, slotFree: true };
    expect(computeWakeAt({ ...base, cronAt: [900, 5_000, 3_000], capMs: 60_000 })).toBe(3_000);
    expect(computeWakeAt({ ...base, cronAt: [], capMs: 60_000 })).toBe(61_000);
    expect(computeWakeAt({ ...base, nextRunAt: 2_000, cronAt: [3_000], capMs: 60_000 })).toBe(2_000);
  });

  it('reads sleep durations and instants as the SDK writes them', () => {
    expect(resolveWakeTime('1h30m', 0)).toBe(90 * 60_000);
    expect(resolveWakeTime('2026-01-01T00:00:00.000Z', 0)).toBe(Date.parse('2026-01-01T00:00:00.000Z'));
  });

  it('writes canonical JSON (sorted keys at every depth), which is what request signatures cover', () => {
    expect(toCanonicalJson({ b: [{ d: 1, c: null }], a: 'x', u: undefined })).toBe('{"a":"x","b":[{"c":null,"d":1}]}');
  });
});

describe('/api/inngest with the local runner', () => {
  const post = (headers: Record<string, string>) =>
    route.POST(
      new Request('http://localhost/api/inngest?fnId=reflex-fixture-memo&stepId=step', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ version: 2, event: { name: 'test/memo-requested', data: {} }, events: [], steps: {}, ctx: { run_id: 'x', attempt: 0 } }),
      }) as never, // The Next adapter types its argument as NextRequest; a plain Request is what it reads.
      undefined,
    );

  it('refuses unsigned and wrongly signed execution requests', async () => {
    expect((await post({})).status).toBe(401);
    expect((await post({ 'x-inngest-signature': `t=${Math.round(Date.now() / 1000)}&s=${'0'.repeat(64)}` })).status).toBe(401);
  });
});
