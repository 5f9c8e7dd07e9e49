import { sql } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { queryRows } from '@/lib/db/sql';
import { getEnv } from '@/lib/env';
import { readComponentUptime } from '@/lib/health/coverage';
import { LATENCY_BUCKETS_MS, loadEconomicsHistory, monthFacts, type EconomicsHistory } from '@/lib/economics/report';

// The operator dashboard's numbers, serializable for the charts. Sources: invoices (revenue), the usage ledger (AI
// cost, AI latency and errors), the request counters, sessions (active users), documents, the readiness history
// (uptime) and the entered infrastructure costs. Everything is per calendar month (UTC), oldest first.

export const DASHBOARD_MONTHS = 6;
const UPTIME_COMPONENTS = ['database', 'kv', 'pipelines'] as const;

export interface DashboardMonth {
  month: string;
  mrrCents: number;
  newMrrCents: number;
  churnedMrrCents: number;
  netGrowthCents: number;
  revenueCents: number;
  aiCostCents: number;
  infraCents: number;
  cogsCents: number;
  margin: number | null;
  seats: number;
  cogsPerSeatCents: number | null;
  requests: number;
  documentsProcessed: number;
  aiCalls: number;
  aiErrorRate: number | null;
  aiP95Ms: number | null;
  aiP50Ms: number | null;
  uptime: Record<string, number | null>;
}

export interface Dashboard {
  months: DashboardMonth[];
  activeUsers: { dau: number; mau: number };
  marginThreshold: number;
  tenants: number;
}

// The upper edge of the bucket holding the q-th share of calls (buckets: lib/economics/report.ts).
export function percentileFromBuckets(buckets: readonly number[], q: number): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.ceil(total * q);
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i] ?? 0;
    if (seen >= rank) return LATENCY_BUCKETS_MS[i] ?? LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1] ?? null;
  }
  return null;
}

async function readActiveUsers(now: Date): Promise<{ dau: number; mau: number }> {
  const db = await getDb();
  const [row] = await queryRows<{ dau: string | number; mau: string | number }>(
    db,
    sql`select count(distinct user_id) filter (where coalesce(last_active_at, updated_at) >= ${new Date(now.getTime() - 86_400_000).toISOString()}::timestamptz) as dau,
               count(distinct user_id) filter (where coalesce(last_active_at, updated_at) >= ${new Date(now.getTime() - 30 * 86_400_000).toISOString()}::timestamptz) as mau
        from session`,
  );
  return { dau: Number(row?.dau ?? 0), mau: Number(row?.mau ?? 0) };
}

async function readMonthlyUptime(now: Date, months: readonly string[]): Promise<Map<string, Record<string, number | null>>> {
  const out = new Map<string, Record<string, number | null>>(months.map((m) => [m, {}]));
  const uptime = await readComponentUptime(UPTIME_COMPONENTS, { now: now.getTime() });
  for (const [component, summary] of uptime) {
    const perMonth = new Map<string, { observed: number; down: number }>();
    for (const d of summary.days) {
      const m = `${d.date.slice(0, 7)}-01`;
      const acc = perMonth.get(m) ?? { observed: 0, down: 0 };
      acc.observed += d.observedMs;
      acc.down += d.downMs;
      perMonth.set(m, acc);
    }
    for (const m of months) {
      const acc = perMonth.get(m);
      const row = out.get(m);
      if (row) row[component] = acc && acc.observed > 0 ? ((acc.observed - acc.down) / acc.observed) * 100 : null;
    }
  }
  return out;
}

function monthlyMrr(history: EconomicsHistory, month: string, previous: string | undefined) {
  let mrr = 0;
  let added = 0;
  let churned = 0;
  for (const t of history.tenants) {
    const now = monthFacts(history, t.id, month).invoicedCents;
    const before = previous ? monthFacts(history, t.id, previous).invoicedCents : 0;
    mrr += now;
    if (previous && now > 0 && before === 0) added += now;
    if (previous && now === 0 && before > 0) churned += before;
  }
  return { mrr, added, churned };
}

export async function buildDashboard(now = new Date()): Promise<Dashboard> {
  const history = await loadEconomicsHistory(now, DASHBOARD_MONTHS + 1);
  const [activeUsers, uptime] = await Promise.all([readActiveUsers(now), readMonthlyUptime(now, history.months)]);
  const months: DashboardMonth[] = [];
  history.reports.forEach((report, i) => {
    if (i === 0) return; // only the base for the first shown month's new and churned MRR
    const previous = history.months[i - 1];
    const { mrr, added, churned } = monthlyMrr(history, report.month, previous);
    const prevMrr = previous ? monthlyMrr(history, previous, history.months[i - 2]).mrr : 0;
    const buckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
    let requests = 0;
    let documentsProcessed = 0;
    let aiCalls = 0;
    let aiFailed = 0;
    for (const t of history.tenants) {
      const f = monthFacts(history, t.id, report.month);
      requests += f.requests;
      documentsProcessed += f.documentsProcessed;
      aiCalls += f.aiCalls;
      aiFailed += f.aiFailedCalls;
      f.latencyBuckets.forEach((n, b) => (buckets[b] = (buckets[b] ?? 0) + n));
    }
    months.push({
      month: report.month,
      mrrCents: mrr,
      newMrrCents: added,
      churnedMrrCents: churned,
      netGrowthCents: mrr - prevMrr,
      revenueCents: report.totals.revenueCents,
      aiCostCents: report.totals.aiCostCents,
      infraCents: report.totals.infraCents,
      cogsCents: report.totals.cogsCents,
      margin: report.totals.margin,
      seats: report.totals.seats,
      cogsPerSeatCents: report.totals.cogsPerSeatCents,
      requests,
      documentsProcessed,
      aiCalls,
      aiErrorRate: aiCalls > 0 ? aiFailed / aiCalls : null,
      aiP95Ms: percentileFromBuckets(buckets, 0.95),
      aiP50Ms: percentileFromBuckets(buckets, 0.5),
      uptime: uptime.get(report.month) ?? {},
    });
  });
  return { months, activeUsers, marginThreshold: getEnv().MARGIN_ALERT_THRESHOLD, tenants: history.tenants.length };
}
