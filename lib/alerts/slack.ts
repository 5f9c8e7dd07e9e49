import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { tenants } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { getEnv } from '@/lib/env';

const SEVERITY_ICON = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' } as const;

export interface SlackAlert {
  title: string;
  text: string;
  severity: keyof typeof SEVERITY_ICON;
}

// Slack's incoming-webhook body: `text` is the notification fallback, blocks the rendered message.
export function slackPayload(alert: SlackAlert, source: string) {
  return {
    text: `${SEVERITY_ICON[alert.severity]} ${alert.title}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${SEVERITY_ICON[alert.severity]} ${alert.title}*\n${alert.text}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Reflex · ${source}` }] },
    ],
  };
}

const tenantSlackSettings = z.looseObject({ slackWebhookUrl: z.url().optional() });

// The tenant's incoming webhook (tenants.settings.slackWebhookUrl), or null when none (or an invalid one) is set.
export async function tenantWebhookUrl(tenantId: string): Promise<string | null> {
  const settings = await withTenant(tenantId, async (tx) => {
    const [row] = await tx.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, tenantId)).limit(1);
    return row?.settings;
  });
  const parsed = tenantSlackSettings.safeParse(settings ?? {});
  return parsed.success ? (parsed.data.slackWebhookUrl ?? null) : null;
}

export function platformWebhookUrl(): string | null {
  return getEnv().ALERT_SLACK_WEBHOOK_URL ?? null;
}
