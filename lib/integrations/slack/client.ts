import { ErrorCode, LogLevel, WebClient, type KnownBlock } from '@slack/web-api';
import { z } from 'zod';
import { ProviderRetryLater, ProviderUnauthorized, providerFetch } from '../http';
import { slackApiBase } from './config';

const AUTH_ERRORS = new Set(['invalid_auth', 'token_revoked', 'account_inactive', 'not_authed', 'token_expired']);

// No retries inside the SDK: a rate limit surfaces at once as ProviderRetryLater, and the Inngest step retries
// after Slack's Retry-After, so no request or step sleeps while holding anything.
export function slackClient(token: string): WebClient {
  return new WebClient(token, { slackApiUrl: slackApiBase(), retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR });
}

const sdkErrorSchema = z.object({ code: z.string(), retryAfter: z.number().optional(), data: z.object({ error: z.string() }).optional() });

// The SDK's errors, in our terms: a rate limit is "retry later"; a dead token (uninstalled app, revoked token) is
// ProviderUnauthorized, which withAccessToken turns into a refresh or, failing that, reauth_required; anything else
// (network, 5xx) is thrown as is for the step's ordinary retry.
export async function callSlack<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const parsed = sdkErrorSchema.safeParse(err);
    if (parsed.success && parsed.data.code === ErrorCode.RateLimitedError) {
      throw new ProviderRetryLater(parsed.data.retryAfter ?? 30, 'Slack rate limit');
    }
    if (parsed.success && parsed.data.code === ErrorCode.PlatformError && parsed.data.data && AUTH_ERRORS.has(parsed.data.data.error)) {
      throw new ProviderUnauthorized('slack', `Slack refused the bot token: ${parsed.data.data.error}`);
    }
    throw err;
  }
}

export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
}

// A reply through a slash command's or an interaction's response_url (no token needed; valid for 30 minutes).
export async function postToResponseUrl(url: string, message: SlackMessage): Promise<void> {
  const res = await providerFetch('slack', url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
  if (!res.ok) throw new Error(`Slack refused the reply: ${res.status}`);
}
