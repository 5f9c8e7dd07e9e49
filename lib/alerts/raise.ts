import { inngest, pipelineBackend } from '@/inngest/client';
import { platformAlertRaised, tenantAlertRaised, type PlatformAlertData, type TenantAlertData } from '@/inngest/events/alerts';
import { sendEvent } from '@/inngest/send';
import { getEnv } from '@/lib/env';
import { logger } from '@/lib/log';
import { LOCAL_RUNNER_ON_VERCEL } from '@/lib/pipelines/backend';

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
    if (pipelineBackend === 'local' && getEnv().VERCEL) throw new Error(LOCAL_RUNNER_ON_VERCEL);
    const data = platformAlertRaised.schema.parse(alert);
    await inngest.send({ name: platformAlertRaised.name, data, ...(options.id ? { id: options.id } : {}) });
    return true;
  } catch (err) {
    logger.warn('platform alert could not be queued', { key: alert.key, error: String(err) });
    return false;
  }
}
