import { z } from 'zod';
import { getEnv } from '@/lib/env';
import type { OAuthProviderConfig, ProviderTokenSet } from '../provider';
import { registerProvider } from '../registry';

export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive.readonly';

const GOOGLE_OAUTH = 'https://accounts.google.com';
const GOOGLE_TOKENS = 'https://oauth2.googleapis.com';
const GOOGLE_API = 'https://www.googleapis.com/';

// Tests point both at a wire-format fake (tests/fakes/google-drive-fake.ts); production never sets them.
function oauthBase(path: string, real: string): string {
  const base = getEnv().GOOGLE_OAUTH_BASE;
  return base ? new URL(path, base).toString() : `${real}${path}`;
}

// The root the Drive SDK resolves `drive/v3/...` against (its `rootUrl` option): must end with a slash.
export function googleApiRoot(): string {
  const base = getEnv().GOOGLE_API_BASE;
  if (!base) return GOOGLE_API;
  return base.endsWith('/') ? base : `${base}/`;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().int().positive().optional(),
  scope: z.string().optional(),
  id_token: z.string().optional(),
});

const idTokenClaims = z.object({ sub: z.string().min(1), email: z.string().optional(), name: z.string().optional() });

// The id_token comes straight from Google's token endpoint over TLS, so its claims can be read without checking the
// signature (OpenID Connect Core 3.1.3.7); it names the Google account the connection belongs to.
function readIdToken(idToken: string | undefined): z.infer<typeof idTokenClaims> | null {
  const payload = idToken?.split('.')[1];
  if (!payload) return null;
  try {
    const parsed = idTokenClaims.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function parseGoogleTokenResponse(json: unknown): ProviderTokenSet {
  const body = tokenResponseSchema.parse(json);
  const claims = readIdToken(body.id_token);
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token ?? null,
    expiresInSeconds: body.expires_in ?? null,
    scope: body.scope ?? null,
    externalAccountId: claims?.email ?? claims?.sub ?? '',
    externalAccountName: claims?.name ?? claims?.email ?? 'Google account',
  };
}

export const googleDriveConfig: OAuthProviderConfig = {
  provider: 'google_drive',
  label: 'Google Drive',
  authorizeUrl: () => oauthBase('/o/oauth2/v2/auth', GOOGLE_OAUTH),
  tokenUrl: () => oauthBase('/token', GOOGLE_TOKENS),
  revokeUrl: () => oauthBase('/revoke', GOOGLE_TOKENS),
  // openid + email only name the account the admin connected (shown on the card); Drive access is read-only.
  scopes: [DRIVE_SCOPE, 'openid', 'email'],
  pkce: true,
  // offline: a refresh token; consent: Google sends the refresh token again when an organization reconnects.
  extraAuthorizeParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
  clientId: () => getEnv().GOOGLE_CLIENT_ID,
  clientSecret: () => getEnv().GOOGLE_CLIENT_SECRET,
  envVars: ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET'],
  parseTokenResponse: parseGoogleTokenResponse,
};

registerProvider(googleDriveConfig);
