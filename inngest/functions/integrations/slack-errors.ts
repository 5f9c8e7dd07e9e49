import { NonRetriableError, RetryAfterError } from 'inngest';
import { ProviderRetryLater } from '@/lib/integrations/http';
import { SlackAuthError } from '@/lib/integrations/slack/client';

// Slack's rate limits become Inngest's RetryAfterError (the step retries after Slack's Retry-After); a revoked
// or invalid bot token will not get better by retrying.
export async function slackStep<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ProviderRetryLater) throw new RetryAfterError(err.message, `${Math.max(1, Math.ceil(err.seconds))}s`);
    if (err instanceof SlackAuthError) throw new NonRetriableError(err.message);
    throw err;
  }
}
