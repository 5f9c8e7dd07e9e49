import { EventType } from 'inngest';
import { z } from 'zod';
import { defineEvent } from './define';

const alertShape = {
  // Alerts with the same key within the dedup window are sent once (lib/alerts/gate.ts).
  key: z.string().min(1).max(200),
  title: z.string().min(1).max(300),
  text: z.string().max(3_000),
  severity: z.enum(['info', 'warning', 'critical']),
};

// Something a tenant's admins should hear about (a budget threshold, a failed document) was raised; delivered to the
// tenant's Slack webhook (tenants.settings.slackWebhookUrl) by alerts/send-slack-alert, if one is set.
export const tenantAlertRaised = defineEvent('alert/tenant-raised', alertShape);
export type TenantAlertData = z.infer<typeof tenantAlertRaised.schema>;

// An operator-facing fact (a dependency down, an error-rate spike) that belongs to no tenant; delivered to
// ALERT_SLACK_WEBHOOK_URL. The one event without tenantId.
// `incident` ties alerts about one ongoing problem together for paging tools (ALERT_WEBHOOK_URL, PagerDuty's
// dedup_key): a trigger opens or updates it, a resolve closes it.
export const platformAlertRaised = new EventType({
  name: 'alert/platform-raised',
  schema: z.object({
    ...alertShape,
    incident: z.object({ key: z.string().min(1).max(200), action: z.enum(['trigger', 'resolve']) }).optional(),
  }),
});
export type PlatformAlertData = z.infer<typeof platformAlertRaised.schema>;
