import { sql } from 'drizzle-orm';
import { raiseTenantAlert } from '@/lib/alerts/raise';
import { queryRows } from '@/lib/db/sql';
import type { Tx } from '@/lib/db/types';
import { publishEvent } from '@/lib/realtime/outbox';
import { ALERT_THRESHOLD, QUOTA_KINDS, QUOTA_LABELS, periodKey, type QuotaKind } from './plans';
import { readQuotaState, type QuotaState } from './usage';

export const QUOTA_THRESHOLD_EVENT = 'quota.threshold';

// Marks "the 80% alert for this quota was sent in this period" in tenants.settings.quotaAlerts, atomically: the
// row lock makes a concurrent second claim re-check the condition and update nothing, so only one wins.
async function claimThresholdAlert(tx: Tx, tenantId: string, kind: QuotaKind, period: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`update tenants
          set settings = jsonb_set(settings, '{quotaAlerts}',
                coalesce(settings->'quotaAlerts', '{}'::jsonb) || jsonb_build_object(${kind}::text, ${period}::text))
        where id = ${tenantId}::uuid and coalesce(settings->'quotaAlerts'->>${kind}::text, '') <> ${period}::text
        returning id`,
  );
  return rows.length > 0;
}

// For every quota at or over 80% that has not alerted this period: an in-app event for readers of usage, and a Slack
// alert through the pipeline. `state` is the usage the caller is about to commit (read fresh when omitted).
// Returns the quotas that alerted now.
export async function notifyQuotaThresholds(tx: Tx, tenantId: string, state?: QuotaState, now = new Date()): Promise<QuotaKind[]> {
  const current = state ?? (await readQuotaState(tx, tenantId, now));
  const period = periodKey(now);
  const alerted: QuotaKind[] = [];
  for (const kind of QUOTA_KINDS) {
    const limit = current.limits[kind];
    if (limit === null || limit === 0) continue;
    const used = current.usage[kind];
    if (used < ALERT_THRESHOLD * limit) continue;
    if (!(await claimThresholdAlert(tx, tenantId, kind, period))) continue;
    const percent = Math.floor((used / limit) * 100);
    await publishEvent(tx, { type: QUOTA_THRESHOLD_EVENT, payload: { quota: kind, used, limit, percent, period }, permission: 'usage:read' });
    await raiseTenantAlert(
      {
        tenantId,
        key: `quota:${kind}:${period}`,
        title: `Quota at ${percent}%: ${QUOTA_LABELS[kind]}`,
        text: `This organization has used ${used} of ${limit} ${QUOTA_LABELS[kind]} (${percent}%). At 100% new work is refused.`,
        severity: percent >= 100 ? 'critical' : 'warning',
      },
      { id: `quota-alert-${tenantId}-${kind}-${period}` },
    );
    alerted.push(kind);
  }
  return alerted;
}
