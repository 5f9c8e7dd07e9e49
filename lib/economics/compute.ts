// Unit economics of one month, pure: no database, so the arithmetic is tested to the cent.
//
// Per organization:
//   revenue        = its paid invoices for the month (billing_invoices.period_start = the month, status 'paid')
//   AI cost        = its usage ledger for the month (ai_usage.cost_micros), rounded to cents
//   infrastructure = the month's infrastructure bill (entered by operators) × its allocation share
//   COGS           = AI cost + infrastructure;  gross margin = (revenue − COGS) / revenue
//   COGS per seat  = COGS / seats (a seat is a membership)
//   break-even     = seats needed at its plan's seat price to cover its COGS: ceil(COGS / seat price)
// Allocation share = 50 % by its share of the month's requests + 50 % by its share of stored bytes. Requests stand
// for compute and database load, stored bytes for storage and backups: the two halves of a typical bill. When
// nobody made a request (or nobody stores anything) that half follows the other measure; when neither has any
// usage, the bill is split equally. Shares are apportioned in whole cents (largest remainder), so they add up to
// the bill exactly.

export const ALLOCATION_WEIGHTS = { requests: 50, storage: 50 } as const;

export interface TenantMonthInput {
  tenantId: string;
  name: string;
  plan: 'standard' | 'professional' | 'enterprise';
  status: string;
  seats: number;
  seatPriceCents: number;
  revenueCents: number;
  aiCostMicros: number;
  requests: number;
  storageBytes: number;
}

export interface TenantEconomics extends TenantMonthInput {
  aiCostCents: number;
  infraCents: number;
  cogsCents: number;
  grossProfitCents: number;
  /** (revenue − COGS) / revenue; null without revenue. */
  margin: number | null;
  cogsPerSeatCents: number | null;
  breakEvenSeats: number;
}

export interface MonthEconomics {
  month: string;
  infraCostCents: number;
  tenants: TenantEconomics[];
  totals: {
    revenueCents: number;
    aiCostCents: number;
    infraCents: number;
    cogsCents: number;
    grossProfitCents: number;
    margin: number | null;
    seats: number;
    cogsPerSeatCents: number | null;
    /** Revenue that covers the month's costs (margin 0). */
    breakEvenRevenueCents: number;
    /** Revenue that would bring the month to the target margin (the alert threshold). */
    targetRevenueCents: number;
  };
}

// Micro-dollars to cents, half up.
export function microsToCents(micros: number): number {
  return Math.floor((micros + 5_000) / 10_000);
}

/**
 * Splits `totalCents` in proportion to `weights` (non-negative integers, as bigint to stay exact), in whole cents
 * that add up to the total: floors first, then the remaining cents to the largest remainders (ties: list order).
 */
export function apportionCents(totalCents: number, weights: readonly bigint[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (weights.length === 0) return [];
  const total = BigInt(totalCents);
  if (sum === 0n) return apportionCents(totalCents, weights.map(() => 1n));
  const floors = weights.map((w) => (total * w) / sum);
  const remainders = weights.map((w, i) => ({ i, r: total * w - (floors[i] ?? 0n) * sum }));
  let left = Number(total - floors.reduce((a, b) => a + b, 0n));
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  const out = floors.map(Number);
  for (const { i } of remainders) {
    if (left <= 0) break;
    out[i] = (out[i] ?? 0) + 1;
    left--;
  }
  return out;
}

/** Each organization's allocation weight: an exact rational over a common denominator (see the header). */
export function allocationWeights(usage: readonly { requests: number; storageBytes: number }[]): bigint[] {
  const R = usage.reduce((a, u) => a + BigInt(u.requests), 0n);
  const B = usage.reduce((a, u) => a + BigInt(u.storageBytes), 0n);
  const wr = BigInt(ALLOCATION_WEIGHTS.requests);
  const ws = BigInt(ALLOCATION_WEIGHTS.storage);
  if (R === 0n && B === 0n) return usage.map(() => 1n);
  if (R === 0n) return usage.map((u) => BigInt(u.storageBytes));
  if (B === 0n) return usage.map((u) => BigInt(u.requests));
  // wr·r/R + ws·b/B over the common denominator R·B.
  return usage.map((u) => wr * BigInt(u.requests) * B + ws * BigInt(u.storageBytes) * R);
}

const marginOf = (revenue: number, profit: number): number | null => (revenue > 0 ? profit / revenue : null);

export function computeMonthEconomics(month: string, infraCostCents: number, inputs: readonly TenantMonthInput[], targetMargin: number): MonthEconomics {
  const infra = apportionCents(infraCostCents, allocationWeights(inputs));
  const tenants = inputs.map((t, i): TenantEconomics => {
    const aiCostCents = microsToCents(t.aiCostMicros);
    const infraCents = infra[i] ?? 0;
    const cogsCents = aiCostCents + infraCents;
    const grossProfitCents = t.revenueCents - cogsCents;
    return {
      ...t,
      aiCostCents,
      infraCents,
      cogsCents,
      grossProfitCents,
      margin: marginOf(t.revenueCents, grossProfitCents),
      cogsPerSeatCents: t.seats > 0 ? Math.round(cogsCents / t.seats) : null,
      breakEvenSeats: t.seatPriceCents > 0 ? Math.ceil(cogsCents / t.seatPriceCents) : 0,
    };
  });
  const sum = (f: (t: TenantEconomics) => number) => tenants.reduce((a, t) => a + f(t), 0);
  const revenueCents = sum((t) => t.revenueCents);
  const aiCostCents = sum((t) => t.aiCostCents);
  // With no organization at all the bill is still a cost of the month.
  const infraCents = tenants.length > 0 ? sum((t) => t.infraCents) : infraCostCents;
  const cogsCents = aiCostCents + infraCents;
  const seats = sum((t) => t.seats);
  return {
    month,
    infraCostCents,
    tenants,
    totals: {
      revenueCents,
      aiCostCents,
      infraCents,
      cogsCents,
      grossProfitCents: revenueCents - cogsCents,
      margin: marginOf(revenueCents, revenueCents - cogsCents),
      seats,
      cogsPerSeatCents: seats > 0 ? Math.round(cogsCents / seats) : null,
      breakEvenRevenueCents: cogsCents,
      targetRevenueCents: targetMargin < 1 ? Math.ceil(cogsCents / (1 - targetMargin)) : cogsCents,
    },
  };
}

/** Organizations whose margin is watched on its own: the top `top` by revenue, and any at or above `minRevenueCents`. */
export function largeTenants(tenants: readonly TenantEconomics[], top: number, minRevenueCents: number): TenantEconomics[] {
  const byRevenue = tenants.filter((t) => t.revenueCents > 0).sort((a, b) => b.revenueCents - a.revenueCents || a.name.localeCompare(b.name));
  return byRevenue.filter((t, i) => i < top || t.revenueCents >= minRevenueCents);
}

export interface MarginBreach {
  scope: 'overall' | 'tenant';
  tenantId: string | null;
  name: string;
  /** null: costs without any revenue. */
  margin: number | null;
  revenueCents: number;
  cogsCents: number;
}

/** What falls under the threshold this month: the overall margin, and each large organization's. */
export function findMarginBreaches(report: MonthEconomics, options: { threshold: number; top: number; minRevenueCents: number }): MarginBreach[] {
  const out: MarginBreach[] = [];
  const { totals } = report;
  // No revenue with costs is the worst margin there is; no revenue and no cost is nothing to report.
  const overall = totals.margin ?? (totals.cogsCents > 0 ? -Infinity : null);
  if (overall !== null && overall < options.threshold) {
    out.push({ scope: 'overall', tenantId: null, name: 'All organizations', margin: totals.margin, revenueCents: totals.revenueCents, cogsCents: totals.cogsCents });
  }
  for (const t of largeTenants(report.tenants, options.top, options.minRevenueCents)) {
    if (t.margin !== null && t.margin < options.threshold) {
      out.push({ scope: 'tenant', tenantId: t.tenantId, name: t.name, margin: t.margin, revenueCents: t.revenueCents, cogsCents: t.cogsCents });
    }
  }
  return out;
}
