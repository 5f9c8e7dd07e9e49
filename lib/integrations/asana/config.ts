import { z } from 'zod';
import { getEnv } from '@/lib/env';
import type { ProviderTokenSet } from '@/lib/integrations/provider';
import { registerDisconnectCleanup } from '@/lib/integrations/disconnect';
import { registerProvider } from '@/lib/integrations/registry';
import { asanaOrigin } from './api';
import { deleteAsanaContent } from './cleanup';

// Asana's token response: the OAuth fields plus `data`, the user who authorized (https://developers.asana.com/docs/oauth).
const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).nullish(),
  expires_in: z.number().int().positive().nullish(),
  data: z.object({ id: z.union([z.string(), z.number()]).nullish(), gid: z.string().nullish(), name: z.string().nullish(), email: z.string().nullish() }).nullish(),
});

export function parseAsanaTokenResponse(json: unknown): ProviderTokenSet {
  const parsed = tokenResponseSchema.parse(json);
  const accountId = parsed.data?.gid ?? (parsed.data?.id === undefined || parsed.data?.id === null ? null : String(parsed.data.id));
  // A refresh answers without `data`: the framework keeps the account it stored at install.
  return {
    accessToken: parsed.access_token,
    refreshToken: parsed.refresh_token ?? null,
    expiresInSeconds: parsed.expires_in ?? null,
    scope: null,
    externalAccountId: accountId ?? '',
    externalAccountName: parsed.data?.name ?? parsed.data?.email ?? 'Asana',
  };
}

registerProvider({
  provider: 'asana',
  label: 'Asana',
  authorizeUrl: () => `${asanaOrigin()}/-/oauth_authorize`,
  tokenUrl: () => `${asanaOrigin()}/-/oauth_token`,
  revokeUrl: () => `${asanaOrigin()}/-/oauth_revoke`,
  // "default" is the full-permission scope of an app without granular scopes (the app's settings in the developer
  // console must allow it); the connector reads workspaces, projects, sections and tasks, writes tasks and webhooks.
  scopes: ['default'],
  pkce: true,
  clientId: () => getEnv().ASANA_CLIENT_ID,
  clientSecret: () => getEnv().ASANA_CLIENT_SECRET,
  envVars: ['ASANA_CLIENT_ID', 'ASANA_CLIENT_SECRET'],
  parseTokenResponse: parseAsanaTokenResponse,
});

registerDisconnectCleanup('asana', deleteAsanaContent);
