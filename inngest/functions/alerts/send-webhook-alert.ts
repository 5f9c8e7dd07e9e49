import { inngest } from '@/inngest/client';
import { getAlertGate, type GateDecision } from '@/lib/alerts/gate';
import { postAlert } from '@/lib/alerts/post';
import { alertWebhookConfig, pagerDutyEvent } from '@/lib/alerts/webhook';
import { platformAlertRaised } from '@/lib/events/alerts';

export type WebhookAlertOutcome = GateDecision | 'no_webhook' | 'sent';

// Delivers platform alerts to ALERT_WEBHOOK_URL (PagerDuty Events API v2 shape), beside Slack
// (send-slack-alert.ts), through the same dedup and rate-limit gate under its own destination. The URL and the
// routing key are read inside the post step so they never land in run state.
export const sendWebhookAlert = inngest.createFunction(
  { id: 'send-webhook-alert', triggers: [platformAlertRaised], retries: 4 },
  async ({ event, step }): Promise<{ outcome: WebhookAlertOutcome }> => {
    const decision = await step.run('admit', async (): Promise<WebhookAlertOutcome> => {
      if (!alertWebhookConfig()) return 'no_webhook';
      return getAlertGate().admit('webhook', event.data.key, Date.now());
    });
    if (decision !== 'admitted') return { outcome: decision };

    await step.run('post', async () => {
      const config = alertWebhookConfig();
      if (!config) return;
      await postAlert(config.url, pagerDutyEvent(event.data, config.routingKey, new Date()), 'alert webhook');
    });
    return { outcome: 'sent' };
  },
);
