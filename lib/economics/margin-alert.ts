import { eq } from 'drizzle-orm';
import { raisePlatformAlert } from '@/lib/alerts/raise';
import { formatCents } from '@/lib/billing/plans';
import { getDb } from '@/lib/db/client';
import { platformSettings } from '@/lib/db/schema';
import { getEnv } from '@/lib/env';
import { findMarginBreaches, type MarginBreach, type MonthEconomics } from './compute';
import { loadEconomicsHistory, monthOf } from './report';

const markKey = (month: string) => `margin-alert:${month}`;

const percent = (m: number | null) => (m === null ? 'no revenue' : `${(m * 100).toFixed(1)} %`);

function describe(b: MarginBreach): string {
  return `${b.name}: margin ${percent(b.margin)} (revenue ${formatCents(b.revenueCents)}, costs ${formatCents(b.cogsCents)})`;
}

export type MarginAlertOutcome = 'healthy' | 'already_alerted' | 'raised' | 'not_queued';

/**
 * Operators hear once per month when that month's overall gross margin, or a large organization's, is under
 * MARGIN_ALERT_THRESHOLD. The mark (platform_settings `margin-alert:<month>`) is written only once the alert is
 * queued, so an alert that could not be queued is tried again on the next run. The cron has concurrency 1.
 */
export async function alertOnMargins(report: MonthEconomics): Promise<{ outcome: MarginAlertOutcome; breaches: MarginBreach[] }> {
  const env = getEnv();
  const breaches = findMarginBreaches(report, { threshold: env.MARGIN_ALERT_THRESHOLD, top: env.MARGIN_ALERT_TOP_ORGS, minRevenueCents: env.MARGIN_ALERT_LARGE_REVENUE_CENTS });
  if (breaches.length === 0) return { outcome: 'healthy', breaches };
  const db = await getDb();
  const [mark] = await db.select({ key: platformSettings.key }).from(platformSettings).where(eq(platformSettings.key, markKey(report.month))).limit(1);
  if (mark) return { outcome: 'already_alerted', breaches };
  const month = new Date(`${report.month}T00:00:00Z`).toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const queued = await raisePlatformAlert(
    {
      key: markKey(report.month),
      title: `Gross margin under ${Math.round(env.MARGIN_ALERT_THRESHOLD * 100)} % in ${month}: review pricing and costs`,
      text: breaches.map(describe).join('\n').slice(0, 3_000),
      severity: 'warning',
    },
    { id: markKey(report.month) },
  );
  if (!queued) return { outcome: 'not_queued', breaches };
  await db
    .insert(platformSettings)
    .values({ key: markKey(report.month), value: { alertedAt: new Date().toISOString(), breaches: breaches.length } })
    .onConflictDoNothing();
  return { outcome: 'raised', breaches };
}

/** The daily check: the last complete month (its invoices are issued and its usage is final). */
export async function checkLastMonthMargins(now: Date): Promise<{ month: string; outcome: MarginAlertOutcome; breaches: number }> {
  const history = await loadEconomicsHistory(new Date(`${monthOf(now, -1)}T00:00:00Z`), 1);
  const report = history.reports[0];
  if (!report) return { month: monthOf(now, -1), outcome: 'healthy', breaches: 0 };
  const { outcome, breaches } = await alertOnMargins(report);
  return { month: report.month, outcome, breaches: breaches.length };
}
