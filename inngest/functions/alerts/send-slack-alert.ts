import { inngest } from '@/inngest/client';
import { platformAlertRaised, tenantAlertRaised } from '@/lib/events/alerts';
import { getAlertGate, type GateDecision } from '@/lib/alerts/gate';
import { postAlert } from '@/lib/alerts/post';
import { platformWebhookUrl, slackPayload, tenantWebhookUrl } from '@/lib/alerts/slack';

export type SlackAlertOutcome = GateDecision | 'no_webhook' | 'sent';

// Delivers tenant alerts to the tenant's webhook and platform alerts to ALERT_SLACK_WEBHOOK_URL. The gate decision
// is its own step, so a retry after Slack failed re-sends instead of being taken for a duplicate; the webhook URL is
// read inside the post step so it is never stored in run state.
export const sendSlackAlert = inngest.createFunction(
  { id: 'send-slack-alert', triggers: [tenantAlertRaised, platformAlertRaised], retries: 4 },
  async ({ event, step }): Promise<{ outcome: SlackAlertOutcome }> => {
    const tenantId = 'tenantId' in event.data && typeof event.data.tenantId === 'string' ? event.data.tenantId : null;
    const destination = tenantId ?? 'platform';
    const webhook = () => (tenantId ? tenantWebhookUrl(tenantId) : Promise.resolve(platformWebhookUrl()));
    const { key, title, text, severity } = event.data;

    const decision = await step.run('admit', async (): Promise<SlackAlertOutcome> => {
      if (!(await webhook())) return 'no_webhook';
      return getAlertGate().admit(destination, key, Date.now());
    });
    if (decision !== 'admitted') return { outcome: decision };

    await step.run('post', async () => {
      const url = await webhook();
      if (!url) return;
      await postAlert(url, slackPayload({ title, text, severity }, tenantId ? `organization ${tenantId}` : 'platform'), 'Slack');
    });
    return { outcome: 'sent' };
  },
);
