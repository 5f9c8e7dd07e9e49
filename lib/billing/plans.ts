import type { PLANS } from '@/lib/db/schema';

type Plan = (typeof PLANS)[number];

// Prepaid monthly, per active member (a seat), in US cents: the $50–75 per user of the pricing sheet.
export const SEAT_PRICE_CENTS: Record<Plan, number> = { standard: 5_000, professional: 6_500, enterprise: 7_500 };

// An invoice is due this many days after it is issued; then the grace period starts.
export const INVOICE_NET_DAYS = 7;
export const GRACE_DAYS = 7;

// Dunning emails, by day of the grace period. The last one is the day before suspension.
export const REMINDER_DAYS = [0, 3, 6] as const;

const DAY_MS = 24 * 60 * 60 * 1000;

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}

export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

export function formatCents(cents: number, currency = 'usd'): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
}

/** The first day (UTC) of the month `offset` months after the one `now` falls in, as YYYY-MM-DD. */
export function monthStart(now: Date, offset = 0): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
}
