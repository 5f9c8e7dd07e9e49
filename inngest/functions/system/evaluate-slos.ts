import { inngest } from '@/inngest/client';
import { evaluateSlos } from '@/lib/slo/evaluate';

// Every 5 minutes: error rate, p95 latency per route group, pipeline failure rate and queue age against the
// objectives in lib/env.ts, and capacity against the configured limits. Alerts go to the operator channels
// (Slack, ALERT_WEBHOOK_URL). No retries: the next tick is the retry. The cron slot's time is the evaluation's
// clock, so on the local runner a test moves it instead of waiting.
export const evaluateSlosOnSchedule = inngest.createFunction(
  { id: 'evaluate-slos', triggers: [{ cron: 'TZ=UTC */5 * * * *' }], retries: 0, concurrency: [{ limit: 1 }] },
  async ({ event, step }) =>
    step.run('evaluate', async () => {
      const slotAt = typeof event.ts === 'number' ? event.ts : Date.now();
      return evaluateSlos({ now: slotAt });
    }),
);
