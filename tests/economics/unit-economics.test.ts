import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { functions } from '@/inngest';
import { drainLocalRunner, listRuns, startLocalRunner, stopLocalRunner, waitForRun } from '@/inngest/local';
import { resetAlertGateForTests } from '@/lib/alerts/gate';
import { aiUsage, billingInvoices } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { allocationWeights, apportionCents, computeMonthEconomics, findMarginBreaches, microsToCents, type TenantMonthInput } from '@/lib/economics/compute';
import { setInfraCost } from '@/lib/economics/infra-costs';
import { alertOnMargins } from '@/lib/economics/margin-alert';
import { listPlatformTenants, loadEconomicsHistory } from '@/lib/economics/report';
import { countTenantRequest, flushRequestCounts, pendingRequestCounts } from '@/lib/economics/request-counter';
import { percentileFromBuckets } from '@/lib/ops/dashboard';
import { resetEnvForTests } from '@/lib/env';
import { provision } from '../helpers/http';
import { isolateRunnerDatabase } from '../runner/harness';
import { startFakeSlack, type FakeSlack } from '../alerts/fake-slack';

// Unit economics from seeded ledgers and invoices with known answers, to the cent. The months used are far in the
// future and unique to this run, so platform-wide rows (infrastructure costs, alert marks) on a shared server
// database belong to this file alone.

const year = 2200 + Math.floor(Math.random() * 5000);
const MONTH = `${year}-03-01`;
const MID_MONTH = new Date(`${year}-03-15T12:00:00Z`);

const input = (over: Partial<TenantMonthInput>): TenantMonthInput => ({
  tenantId: randomUUID(),
  name: 'Org',
  plan: 'standard',
  status: 'active',
  seats: 1,
  seatPriceCents: 5_000,
  revenueCents: 0,
  aiCostMicros: 0,
  requests: 0,
  storageBytes: 0,
  ...over,
});

describe('the arithmetic', () => {
  it('rounds micro-dollars to cents half up', () => {
    expect(microsToCents(0)).toBe(0);
    expect(microsToCents(4_999)).toBe(0);
    expect(microsToCents(5_000)).toBe(1);
    expect(microsToCents(1_234_567)).toBe(123);
  });

  it('apportions whole cents that add up to the bill (largest remainder, ties in list order)', () => {
    expect(apportionCents(100, [1n, 1n, 1n])).toEqual([34, 33, 33]);
    expect(apportionCents(10_000, [1n, 3n])).toEqual([2_500, 7_500]);
    expect(apportionCents(7, [0n, 0n])).toEqual([4, 3]);
    expect(apportionCents(0, [5n, 1n])).toEqual([0, 0]);
  });

  it('weighs requests and stored bytes 50/50, and lets one measure stand in when the other has no usage', () => {
    // A: 75 % of requests, 0 % of storage -> 37.5 %; B: 25 % and 100 % -> 62.5 %.
    const w = allocationWeights([
      { requests: 300, storageBytes: 0 },
      { requests: 100, storageBytes: 1_000 },
    ]);
    expect(apportionCents(80_000, w)).toEqual([30_000, 50_000]);
    expect(apportionCents(90, allocationWeights([{ requests: 0, storageBytes: 1 }, { requests: 0, storageBytes: 2 }]))).toEqual([30, 60]);
    expect(apportionCents(90, allocationWeights([{ requests: 2, storageBytes: 0 }, { requests: 1, storageBytes: 0 }]))).toEqual([60, 30]);
    expect(apportionCents(91, allocationWeights([{ requests: 0, storageBytes: 0 }, { requests: 0, storageBytes: 0 }]))).toEqual([46, 45]);
  });

  it('computes COGS, gross margin, COGS per seat and break-even per organization and overall', () => {
    const a = input({ name: 'A', seats: 10, revenueCents: 50_000, aiCostMicros: 120_004_999, requests: 300, storageBytes: 0 });
    const b = input({ name: 'B', plan: 'enterprise', seatPriceCents: 7_500, seats: 4, revenueCents: 30_000, aiCostMicros: 5_000_000, requests: 100, storageBytes: 1_000 });
    const report = computeMonthEconomics(MONTH, 80_000, [a, b], 0.6);
    const [ea, eb] = report.tenants;
    // A: AI $120.00 (12,000 ¢) + infrastructure 37.5 % of $800 (30,000 ¢) = 42,000 ¢ against 50,000 ¢ of revenue.
    expect(ea).toMatchObject({ aiCostCents: 12_000, infraCents: 30_000, cogsCents: 42_000, grossProfitCents: 8_000, cogsPerSeatCents: 4_200, breakEvenSeats: 9 });
    expect(ea?.margin).toBeCloseTo(0.16, 10);
    // B: AI $5.00 + 62.5 % of $800 = 50,500 ¢ against 30,000 ¢: a loss; 7 seats at $75 would cover it.
    expect(eb).toMatchObject({ aiCostCents: 500, infraCents: 50_000, cogsCents: 50_500, grossProfitCents: -20_500, cogsPerSeatCents: 12_625, breakEvenSeats: 7 });
    expect(report.totals).toMatchObject({
      revenueCents: 80_000,
      aiCostCents: 12_500,
      infraCents: 80_000,
      cogsCents: 92_500,
      grossProfitCents: -12_500,
      seats: 14,
      cogsPerSeatCents: 6_607,
      breakEvenRevenueCents: 92_500,
      targetRevenueCents: 231_250,
    });
    expect(report.totals.margin).toBeCloseTo(-0.15625, 10);
  });

  it('finds the breaches: overall and large organizations under the threshold, not small ones or healthy ones', () => {
    const big = input({ name: 'Big', revenueCents: 100_000, aiCostMicros: 500_000_000 }); // margin 0.5
    const healthy = input({ name: 'Healthy', revenueCents: 90_000, aiCostMicros: 100_000_000 }); // 0.888…
    const small = input({ name: 'Small', revenueCents: 1_000, aiCostMicros: 9_000_000 }); // 0.1, not large
    const report = computeMonthEconomics(MONTH, 0, [big, healthy, small], 0.6);
    const breaches = findMarginBreaches(report, { threshold: 0.6, top: 2, minRevenueCents: 1_000_000 });
    expect(breaches.map((b) => b.name)).toEqual(['Big']);
    // Overall: 191,000 revenue, 60,900 cost -> 68 %: healthy at 0.6, a breach at 0.7.
    expect(findMarginBreaches(report, { threshold: 0.7, top: 0, minRevenueCents: 1_000_000 }).map((b) => b.scope)).toEqual(['overall']);
    expect(findMarginBreaches(report, { threshold: 0.5, top: 3, minRevenueCents: 0 }).map((b) => b.name)).toEqual(['Small']);
  });
});

describe('latency percentiles merged across organizations', () => {
  it('answers the upper edge of the bucket holding the percentile', () => {
    // Buckets: <50, 50–100, 100–200, …; 90 fast calls and 10 between 1 and 1.5 s.
    const buckets = new Array<number>(14).fill(0);
    buckets[0] = 90;
    buckets[7] = 10;
    expect(percentileFromBuckets(buckets, 0.5)).toBe(50);
    expect(percentileFromBuckets(buckets, 0.95)).toBe(1_500);
    expect(percentileFromBuckets(new Array<number>(14).fill(0), 0.95)).toBeNull();
  });
});

describe('from the ledgers', () => {
  let a: Awaited<ReturnType<typeof provision>>;
  let b: Awaited<ReturnType<typeof provision>>;

  beforeAll(async () => {
    a = await provision(`Econ A ${randomUUID().slice(0, 6)}`);
    b = await provision(`Econ B ${randomUUID().slice(0, 6)}`, undefined, 'enterprise');
    const invoice = (tenantId: string, amountCents: number, status: 'paid' | 'open') => ({
      tenantId,
      periodStart: MONTH,
      seats: 1,
      unitPriceCents: amountCents,
      amountCents,
      status,
      issuedAt: MID_MONTH,
      dueAt: MID_MONTH,
      paidAt: status === 'paid' ? MID_MONTH : null,
    });
    const usage = (tenantId: string, costMicros: number, createdAt: Date) => ({ tenantId, operation: 'answer', provider: 'offline', model: 'm', costMicros, outcome: 'ok' as const, createdAt });
    await withTenant(a.tenantId, async (tx) => {
      await tx.insert(billingInvoices).values(invoice(a.tenantId, 5_000, 'paid'));
      await tx.insert(aiUsage).values([usage(a.tenantId, 700_000, MID_MONTH), usage(a.tenantId, 300_000, MID_MONTH), usage(a.tenantId, 9_990_000, new Date(`${year}-04-01T00:00:00Z`))]);
    });
    await withTenant(b.tenantId, async (tx) => {
      // Unpaid: not revenue (yet).
      await tx.insert(billingInvoices).values(invoice(b.tenantId, 7_500, 'open'));
      await tx.insert(aiUsage).values(usage(b.tenantId, 2_500_000, MID_MONTH));
    });
    for (let i = 0; i < 3; i++) countTenantRequest(a.tenantId, MID_MONTH);
    countTenantRequest(b.tenantId, MID_MONTH);
    countTenantRequest(b.tenantId, new Date(`${year}-03-31T23:59:59Z`));
    await flushRequestCounts();
    // A second flush adds to the same (tenant, day) rows.
    countTenantRequest(a.tenantId, MID_MONTH);
    await flushRequestCounts();
    await setInfraCost({ month: MONTH.slice(0, 7), amountCents: 1_000, note: 'test month' }, 'test');
  });

  it('counts requests in process and writes them in batches that add up', async () => {
    expect(pendingRequestCounts()).toBe(0);
    const history = await loadEconomicsHistory(MID_MONTH, 1, (await listPlatformTenants()).filter((t) => t.id === a.tenantId || t.id === b.tenantId));
    expect(history.facts.get(a.tenantId)?.months.get(MONTH)?.requests).toBe(4);
    expect(history.facts.get(b.tenantId)?.months.get(MONTH)?.requests).toBe(2);
  });

  it('computes revenue from paid invoices, AI cost from the month of the ledger, and the allocated infrastructure', async () => {
    const tenants = (await listPlatformTenants()).filter((t) => t.id === a.tenantId || t.id === b.tenantId);
    const { reports } = await loadEconomicsHistory(MID_MONTH, 1, tenants);
    const report = reports[0];
    expect(report?.month).toBe(MONTH);
    expect(report?.infraCostCents).toBe(1_000);
    const ea = report?.tenants.find((t) => t.tenantId === a.tenantId);
    const eb = report?.tenants.find((t) => t.tenantId === b.tenantId);
    // No stored bytes anywhere: the bill follows requests alone, 4 : 2.
    expect(ea).toMatchObject({ revenueCents: 5_000, aiCostCents: 100, infraCents: 667, cogsCents: 767, grossProfitCents: 4_233, seats: 1, breakEvenSeats: 1 });
    expect(eb).toMatchObject({ revenueCents: 0, aiCostCents: 250, infraCents: 333, cogsCents: 583, margin: null, seatPriceCents: 7_500 });
    expect(ea?.margin).toBeCloseTo(0.8466, 4);
    expect(report?.totals).toMatchObject({ revenueCents: 5_000, cogsCents: 1_350, grossProfitCents: 3_650 });
  });

  describe('the margin alert', () => {
    let release: () => Promise<void>;
    let slack: FakeSlack;

    beforeAll(async () => {
      release = await isolateRunnerDatabase();
      slack = await startFakeSlack();
      await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50, functions });
      process.env.ALERT_SLACK_WEBHOOK_URL = `${slack.url}/hooks/platform`;
      resetEnvForTests();
    });

    afterAll(async () => {
      await drainLocalRunner(60_000);
      await stopLocalRunner();
      await slack.close();
      delete process.env.ALERT_SLACK_WEBHOOK_URL;
      delete process.env.MARGIN_ALERT_THRESHOLD;
      resetEnvForTests();
      await release();
    });

    beforeEach(() => {
      slack.received.length = 0;
      resetAlertGateForTests();
    });

    async function delivered(month: string) {
      await drainLocalRunner(60_000);
      const runs = await listRuns({ functionId: 'send-slack-alert', eventData: { key: `margin-alert:${month}` } });
      await Promise.all(runs.map((r) => waitForRun(r.id, 60_000)));
      return slack.received.filter((r) => r.body.text.includes('Gross margin'));
    }

    it('stays quiet above the threshold', async () => {
      const month = `${year}-05-01`;
      const report = computeMonthEconomics(month, 1_000, [input({ name: 'Fine', revenueCents: 10_000 })], 0.6);
      expect((await alertOnMargins(report)).outcome).toBe('healthy');
      expect(await delivered(month)).toHaveLength(0);
    });

    it('alerts once per month under the threshold, naming the organization', async () => {
      const month = `${year}-06-01`;
      const report = computeMonthEconomics(month, 6_000, [input({ name: 'Thin Margins Inc', revenueCents: 10_000 })], 0.6);
      expect((await alertOnMargins(report)).outcome).toBe('raised');
      expect((await alertOnMargins(report)).outcome).toBe('already_alerted');
      const sent = await delivered(month);
      expect(sent).toHaveLength(1);
      expect(JSON.stringify(sent[0]?.body)).toContain('Thin Margins Inc: margin 40.0 %');
      // The next month is a month of its own.
      const next = computeMonthEconomics(`${year}-07-01`, 6_000, [input({ name: 'Thin Margins Inc', revenueCents: 10_000 })], 0.6);
      expect((await alertOnMargins(next)).outcome).toBe('raised');
    });

    it('reads the threshold from MARGIN_ALERT_THRESHOLD', async () => {
      process.env.MARGIN_ALERT_THRESHOLD = '0.3';
      resetEnvForTests();
      const report = computeMonthEconomics(`${year}-08-01`, 6_000, [input({ name: 'Forty Percent', revenueCents: 10_000 })], 0.3);
      expect((await alertOnMargins(report)).outcome).toBe('healthy');
    });
  });
});
