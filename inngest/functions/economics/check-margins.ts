import { inngest } from '@/inngest/client';
import { checkLastMonthMargins } from '@/lib/economics/margin-alert';

// Daily: alert operators (once per month) when last month's gross margin, overall or of a large organization, is
// under MARGIN_ALERT_THRESHOLD. It changes no tenant data: reads, and at most one alert.
export const checkMarginsOnSchedule = inngest.createFunction(
  { id: 'check-margins', triggers: [{ cron: 'TZ=UTC 20 6 * * *' }], retries: 3, concurrency: [{ limit: 1 }] },
  async ({ step }) => step.run('check', () => checkLastMonthMargins(new Date())),
);
