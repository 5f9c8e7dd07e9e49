import { z } from 'zod';
import type { Tx } from '@/lib/db/types';
import { ALERT_THRESHOLD, MONTHLY_QUOTAS, QUOTA_KINDS, QUOTA_LABELS, nextPeriodStart, periodStart } from './plans';
import { readQuotaState } from './usage';

export const quotaLineSchema = z.object({
  quota: z.enum(QUOTA_KINDS),
  description: z.string(),
  used: z.number().int(),
  // null: unlimited.
  limit: z.number().int().nullable(),
  remaining: z.number().int().nullable(),
  percent: z.number().int().nullable(),
  status: z.enum(['ok', 'warning', 'exceeded']),
  // When a monthly budget starts over; null for standing totals (storage, members).
  resetsAt: z.iso.datetime().nullable(),
});

export const quotaReportSchema = z
  .object({
    plan: z.string(),
    periodStart: z.iso.datetime(),
    periodEnd: z.iso.datetime(),
    quotas: z.array(quotaLineSchema),
  })
  .meta({ id: 'QuotaReport' });
export type QuotaReport = z.infer<typeof quotaReportSchema>;

export async function getQuotaReport(tx: Tx, tenantId: string, now = new Date()): Promise<QuotaReport> {
  const state = await readQuotaState(tx, tenantId, now);
  const end = nextPeriodStart(now).toISOString();
  return {
    plan: state.plan,
    periodStart: periodStart(now).toISOString(),
    periodEnd: end,
    quotas: QUOTA_KINDS.map((kind) => {
      const used = state.usage[kind];
      const limit = state.limits[kind];
      const ratio = limit === null ? 0 : limit === 0 ? 1 : used / limit;
      return {
        quota: kind,
        description: QUOTA_LABELS[kind],
        used,
        limit,
        remaining: limit === null ? null : Math.max(0, limit - used),
        percent: limit === null ? null : Math.floor(ratio * 100),
        status: ratio >= 1 ? 'exceeded' : ratio >= ALERT_THRESHOLD ? 'warning' : 'ok',
        resetsAt: MONTHLY_QUOTAS.has(kind) ? end : null,
      };
    }),
  };
}
