import { platformAlertRaised, tenantAlertRaised, type PlatformAlertData, type TenantAlertData } from '@/lib/events/alerts';
import { sendEvent } from '@/lib/events/send';
import { logger } from '@/lib/log';

// Raising an alert only queues an event: delivery (Slack, retries, dedup, rate limit) happens in
// inngest/functions/alerts/send-slack-alert.ts, so neither a Slack outage nor a pipeline-backend outage ever fails
// the request that noticed the problem. A lost alert is logged instead.
export async function raiseTenantAlert(alert: TenantAlertData, options: { id?: string } = {}): Promise<boolean> {
  try {
    await sendEvent(tenantAlertRaised, alert, options);
    return true;
  } catch (err) {
    logger.warn('tenant alert could not be queued', { tenantId: alert.tenantId, key: alert.key, error: String(err) });
    return false;
  }
}

export async function raisePlatformAlert(alert: PlatformAlertData, options: { id?: string } = {}): Promise<boolean> {
  try {
    await sendEvent(platformAlertRaised, alert, options);
    return true;
  } catch (err) {
    logger.warn('platform alert could not be queued', { key: alert.key, error: String(err) });
    return false;
  }
}
