import { and, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { SEAT_PRICE_CENTS } from '@/lib/billing/plans';
import { getDb } from '@/lib/db/client';
import { PLANS, platformInfraCosts } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { getEnv } from '@/lib/env';
import { readQuotaState } from '@/lib/quotas/usage';
import { computeMonthEconomics, type MonthEconomics, type TenantMonthInput } from './compute';

// Where the numbers of lib/economics/compute.ts come from. Every organization's figures are read inside its own
// tenant transaction (RLS applies); only the list of organizations crosses tenants, through the named
// reflex_platform_tenants() lookup.

export interface PlatformTenant {
  id: string;
  name: string;
  slug: string;
  plan: (typeof PLANS)[number];
  status: string;
  createdAt: Date;
}

const platformTenantRow = z.object({
  tenant_id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  plan: z.enum(PLANS),
  status: z.string(),
  created_at: z.union([z.date(), z.string()]),
});

export async function listPlatformTenants(): Promise<PlatformTenant[]> {
  const rows = await queryRows<unknown>(await getDb(), sql`select * from reflex_platform_tenants()`);
  return rows.map((raw) => {
    const r = platformTenantRow.parse(raw);
    return { id: r.tenant_id, name: r.name, slug: r.slug, plan: r.plan, status: r.status, createdAt: new Date(r.created_at) };
  });
}

/** `YYYY-MM-01` of the month `offset` months from the one `at` falls in (UTC). */
export function monthOf(at: Date, offset = 0): string {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
}

export function nextMonth(month: string): string {
  return monthOf(new Date(`${month}T00:00:00Z`), 1);
}

/** The latency buckets (ms) AI calls are counted in, so percentiles can be merged across organizations. */
export const LATENCY_BUCKETS_MS = [50, 100, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000, 30_000] as const;

export interface TenantMonthFacts {
  revenueCents: number;
  /** Invoiced for the month, paid or not (void excluded): the month's recurring revenue. */
  invoicedCents: number;
  aiCostMicros: number;
  aiCalls: number;
  aiFailedCalls: number;
  /** Counts per LATENCY_BUCKETS_MS bucket, plus one for anything slower. */
  latencyBuckets: number[];
  requests: number;
  documentsProcessed: number;
}

export interface TenantFacts {
  tenantId: string;
  seats: number;
  storageBytes: number;
  /** null: not billed yet (no billing account). */
  billingStatus: string | null;
  months: Map<string, TenantMonthFacts>;
}

const emptyMonth = (): TenantMonthFacts => ({
  revenueCents: 0,
  invoicedCents: 0,
  aiCostMicros: 0,
  aiCalls: 0,
  aiFailedCalls: 0,
  latencyBuckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
  requests: 0,
  documentsProcessed: 0,
});

type Num = string | number;

async function readTenantFacts(tx: Tx, tenantId: string, from: string, to: string): Promise<TenantFacts> {
  const quota = await readQuotaState(tx, tenantId);
  const months = new Map<string, TenantMonthFacts>();
  const at = (m: string) => {
    let f = months.get(m);
    if (!f) months.set(m, (f = emptyMonth()));
    return f;
  };
  const invoices = await queryRows<{ m: string; paid: Num; invoiced: Num }>(
    tx,
    sql`select to_char(period_start, 'YYYY-MM-DD') as m,
               coalesce(sum(amount_cents) filter (where status = 'paid'), 0) as paid,
               coalesce(sum(amount_cents) filter (where status <> 'void'), 0) as invoiced
        from billing_invoices where period_start >= ${from}::date and period_start < ${to}::date group by 1`,
  );
  for (const r of invoices) Object.assign(at(r.m), { revenueCents: Number(r.paid), invoicedCents: Number(r.invoiced) });
  const buckets = sql.raw(`array[${LATENCY_BUCKETS_MS.join(',')}]`);
  const usage = await queryRows<{ m: string; micros: Num; calls: Num; failed: Num; b: Num; n: Num }>(
    tx,
    sql`select to_char(date_trunc('month', created_at at time zone 'UTC'), 'YYYY-MM-DD') as m,
               width_bucket(latency_ms, ${buckets}::int[]) as b,
               coalesce(sum(cost_micros), 0) as micros, count(*) as calls,
               count(*) filter (where outcome in ('error', 'timeout')) as failed, count(*) as n
        from ai_usage where created_at >= ${from}::timestamptz and created_at < ${to}::timestamptz group by 1, 2`,
  );
  for (const r of usage) {
    const f = at(r.m);
    f.aiCostMicros += Number(r.micros);
    f.aiCalls += Number(r.calls);
    f.aiFailedCalls += Number(r.failed);
    const b = Number(r.b);
    f.latencyBuckets[b] = (f.latencyBuckets[b] ?? 0) + Number(r.n);
  }
  const requests = await queryRows<{ m: string; n: Num }>(
    tx,
    sql`select to_char(date_trunc('month', day), 'YYYY-MM-DD') as m, sum(requests) as n
        from tenant_request_counts where day >= ${from}::date and day < ${to}::date group by 1`,
  );
  for (const r of requests) at(r.m).requests = Number(r.n);
  const documents = await queryRows<{ m: string; n: Num }>(
    tx,
    sql`select to_char(date_trunc('month', updated_at at time zone 'UTC'), 'YYYY-MM-DD') as m, count(*) as n
        from documents where status = 'processed' and updated_at >= ${from}::timestamptz and updated_at < ${to}::timestamptz group by 1`,
  );
  for (const r of documents) at(r.m).documentsProcessed = Number(r.n);
  const [seats] = await queryRows<{ n: Num }>(tx, sql`select count(*) as n from memberships`);
  const [account] = await queryRows<{ status: string }>(tx, sql`select status from billing_accounts limit 1`);
  return { tenantId, seats: Number(seats?.n ?? 0), storageBytes: quota.usage.storage, billingStatus: account?.status ?? null, months };
}

/** One organization's facts for the months [from, to): its own tenant transaction. */
export function loadTenantFacts(tenantId: string, from: string, to: string): Promise<TenantFacts> {
  return withTenant(tenantId, (tx) => readTenantFacts(tx, tenantId, from, to));
}

export async function readInfraCosts(from: string, to: string): Promise<Map<string, number>> {
  const db = await getDb();
  const rows = await db
    .select({ month: platformInfraCosts.month, amountCents: platformInfraCosts.amountCents })
    .from(platformInfraCosts)
    .where(and(gte(platformInfraCosts.month, from), lt(platformInfraCosts.month, to)));
  return new Map(rows.map((r) => [r.month, r.amountCents]));
}

export interface EconomicsHistory {
  months: string[];
  tenants: PlatformTenant[];
  facts: Map<string, TenantFacts>;
  reports: MonthEconomics[];
}

/**
 * The last `count` months up to the one `now` is in, oldest first. Seats and stored bytes are today's (there is no
 * history of either): past months are allocated by today's storage.
 */
export async function loadEconomicsHistory(now: Date, count: number, only?: readonly PlatformTenant[]): Promise<EconomicsHistory> {
  const months = Array.from({ length: count }, (_, i) => monthOf(now, i - count + 1));
  const from = months[0] ?? monthOf(now);
  const to = monthOf(now, 1);
  const tenants = only ? [...only] : await listPlatformTenants();
  const facts = new Map<string, TenantFacts>();
  // One short transaction per organization, one after another: the embedded database has a single connection.
  for (const t of tenants) facts.set(t.id, await loadTenantFacts(t.id, from, to));
  const infra = await readInfraCosts(from, to);
  const threshold = getEnv().MARGIN_ALERT_THRESHOLD;
  const reports = months.map((month) => {
    const inputs: TenantMonthInput[] = tenants.map((t) => {
      const f = facts.get(t.id);
      const m = f?.months.get(month) ?? emptyMonth();
      return {
        tenantId: t.id,
        name: t.name,
        plan: t.plan,
        status: t.status,
        seats: f?.seats ?? 0,
        seatPriceCents: SEAT_PRICE_CENTS[t.plan],
        revenueCents: m.revenueCents,
        aiCostMicros: m.aiCostMicros,
        requests: m.requests,
        storageBytes: f?.storageBytes ?? 0,
      };
    });
    return computeMonthEconomics(month, infra.get(month) ?? 0, inputs, threshold);
  });
  return { months, tenants, facts, reports };
}

export function monthFacts(history: EconomicsHistory, tenantId: string, month: string): TenantMonthFacts {
  return history.facts.get(tenantId)?.months.get(month) ?? emptyMonth();
}
