import type { PlatformAlertData } from '@/lib/events/alerts';
import { getEnv } from '@/lib/env';

// The PagerDuty Events API v2 body (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/), which
// other paging tools and generic receivers accept as well. Alerts about one problem share a dedup_key, so a
// reminder updates the open incident and the resolve closes it.
export function pagerDutyEvent(alert: PlatformAlertData, routingKey: string | undefined, at: Date) {
  const dedupKey = alert.incident?.key ?? alert.key;
  const routing = routingKey ? { routing_key: routingKey } : {};
  if (alert.incident?.action === 'resolve') return { ...routing, event_action: 'resolve' as const, dedup_key: dedupKey };
  return {
    ...routing,
    event_action: 'trigger' as const,
    dedup_key: dedupKey,
    payload: {
      summary: alert.title.slice(0, 1024),
      source: 'reflex',
      severity: alert.severity,
      timestamp: at.toISOString(),
      component: 'platform',
      custom_details: { text: alert.text },
    },
  };
}

export function alertWebhookConfig(): { url: string; routingKey: string | undefined } | null {
  const env = getEnv();
  return env.ALERT_WEBHOOK_URL ? { url: env.ALERT_WEBHOOK_URL, routingKey: env.ALERT_WEBHOOK_ROUTING_KEY } : null;
}
