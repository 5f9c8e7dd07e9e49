import { z } from 'zod';
import { getEnv } from '@/lib/env';
import type { OAuthProviderConfig, ProviderTokenSet } from '../provider';
import { registerProvider } from '../registry';

export const SLACK_BOT_SCOPES = ['commands', 'chat:write', 'app_mentions:read', 'channels:history', 'files:read', 'users:read', 'users:read.email'] as const;

// Slack's Web API root; tests point SLACK_API_BASE at the wire-format fake. Always ends with a slash.
export function slackApiBase(): string {
  const base = getEnv().SLACK_API_BASE ?? 'https://slack.com/api/';
  return base.endsWith('/') ? base : `${base}/`;
}

// oauth.v2.access: the bot token, and the workspace it was installed in. Token rotation (refresh_token,
// expires_in) is optional in Slack's app settings; both shapes are read.
const tokenResponseSchema = z.union([
  z.object({
    ok: z.literal(true),
    access_token: z.string().min(1),
    scope: z.string().optional(),
    refresh_token: z.string().min(1).optional(),
    expires_in: z.number().int().positive().optional(),
    team: z.object({ id: z.string().min(1), name: z.string() }),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

export function parseSlackTokenResponse(json: unknown): ProviderTokenSet {
  const parsed = tokenResponseSchema.parse(json);
  if (!parsed.ok) throw new Error(`Slack refused the installation: ${parsed.error}`);
  return {
    accessToken: parsed.access_token,
    refreshToken: parsed.refresh_token ?? null,
    expiresInSeconds: parsed.expires_in ?? null,
    scope: parsed.scope ?? null,
    externalAccountId: parsed.team.id,
    externalAccountName: parsed.team.name,
  };
}

export const slackProvider: OAuthProviderConfig = {
  provider: 'slack',
  label: 'Slack',
  authorizeUrl: () => 'https://slack.com/oauth/v2/authorize',
  tokenUrl: () => `${slackApiBase()}oauth.v2.access`,
  revokeUrl: () => `${slackApiBase()}auth.revoke`,
  scopes: SLACK_BOT_SCOPES,
  pkce: false,
  scopeSeparator: ',',
  clientId: () => getEnv().SLACK_CLIENT_ID,
  clientSecret: () => getEnv().SLACK_CLIENT_SECRET,
  envVars: ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_SIGNING_SECRET'],
  parseTokenResponse: parseSlackTokenResponse,
};

registerProvider(slackProvider);
