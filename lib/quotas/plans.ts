import { z } from 'zod';
import type { PLANS } from '@/lib/db/schema';

type Plan = (typeof PLANS)[number];

export const QUOTA_KINDS = ['documents', 'storage', 'members', 'ai_spend'] as const;
export type QuotaKind = (typeof QUOTA_KINDS)[number];

// null means unlimited.
export type QuotaLimits = Record<QuotaKind, number | null>;

const GIB = 1024 * 1024 * 1024;
const DOLLAR_MICROS = 1_000_000;

// documents: uploads per UTC calendar month; storage: bytes of stored originals; members: memberships plus pending
// invitations; ai_spend: ai_usage.cost_micros per UTC calendar month.
export const PLAN_QUOTAS: Record<Plan, QuotaLimits> = {
  standard: { documents: 500, storage: 1 * GIB, members: 10, ai_spend: 50 * DOLLAR_MICROS },
  professional: { documents: 5_000, storage: 20 * GIB, members: 100, ai_spend: 500 * DOLLAR_MICROS },
  enterprise: { documents: 50_000, storage: 200 * GIB, members: 1_000, ai_spend: 5_000 * DOLLAR_MICROS },
};

export const QUOTA_LABELS: Record<QuotaKind, string> = {
  documents: 'documents uploaded this month',
  storage: 'storage bytes',
  members: 'members (including pending invitations)',
  ai_spend: 'AI spend this month (micro-dollars)',
};

// Budgets that reset on the first of each UTC month; the others are standing totals.
export const MONTHLY_QUOTAS: ReadonlySet<QuotaKind> = new Set<QuotaKind>(['documents', 'ai_spend']);

export const ALERT_THRESHOLD = 0.8;

const limitValue = z.number().int().nonnegative().nullable();

// tenants.settings.quotas: a present key replaces the plan's value (null lifts the limit); an absent key keeps it.
export const quotaOverridesSchema = z.strictObject({
  documents: limitValue.optional(),
  storage: limitValue.optional(),
  members: limitValue.optional(),
  ai_spend: limitValue.optional(),
});
export type QuotaOverrides = z.infer<typeof quotaOverridesSchema>;

export function resolveQuotaLimits(plan: Plan, overrides: QuotaOverrides): QuotaLimits {
  const limits: QuotaLimits = { ...PLAN_QUOTAS[plan] };
  for (const kind of QUOTA_KINDS) {
    const value = overrides[kind];
    if (value !== undefined) limits[kind] = value;
  }
  return limits;
}

export function periodStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export function nextPeriodStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

// e.g. '2026-11': the key that makes a threshold alert fire once per period.
export function periodKey(now: Date): string {
  return periodStart(now).toISOString().slice(0, 7);
}
