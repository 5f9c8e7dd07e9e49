import { NonRetriableError, RetryAfterError } from 'inngest';
import { IntegrationReauthRequired } from '@/lib/integrations/connections';
import { ProviderRetryLater } from '@/lib/integrations/http';

// Slack's rate limits become Inngest's RetryAfterError (the step retries after Slack's Retry-After); a connection
// that needs reconnecting (revoked or invalid bot token, already marked reauth_required) will not get better by
// retrying.
export async function slackStep<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ProviderRetryLater) throw new RetryAfterError(err.message, `${Math.max(1, Math.ceil(err.seconds))}s`);
    if (err instanceof IntegrationReauthRequired) throw new NonRetriableError(err.message);
    throw err;
  }
}
