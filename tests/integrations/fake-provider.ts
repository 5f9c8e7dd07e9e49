import { expect } from 'vitest';
import { z } from 'zod';
import * as callbackRoute from '@/app/api/integrations/[provider]/callback/route';
import * as connectRoute from '@/app/api/integrations/[provider]/connect/route';
import type { IntegrationProvider, OAuthProviderConfig } from '@/lib/integrations/provider';
import { registerProvider } from '@/lib/integrations/registry';
import type { OAuthFake } from '@/tests/fakes/oauth-fake';
import { call } from '../helpers/http';

// A provider config for tests only, registered under a real provider's name and pointed at the fake OAuth server
// (tests/fakes/oauth-fake.ts): the framework is proven without any connector.

const tokenResponse = z.object({
  access_token: z.string(),
  refresh_token: z.string().optional(),
  expires_in: z.number().optional(),
  scope: z.string().optional(),
  account: z.object({ id: z.string(), name: z.string() }),
});

export function registerFakeProvider(fake: OAuthFake, provider: IntegrationProvider = 'asana', options: { pkce?: boolean; revoke?: boolean } = {}): OAuthProviderConfig {
  const config: OAuthProviderConfig = {
    provider,
    label: 'Fake Tracker',
    authorizeUrl: () => `${fake.url}/oauth/authorize`,
    tokenUrl: () => `${fake.url}/oauth/token`,
    revokeUrl: options.revoke === false ? null : () => `${fake.url}/oauth/revoke`,
    scopes: ['read', 'write'],
    pkce: options.pkce ?? true,
    clientId: () => fake.clientId,
    clientSecret: () => fake.clientSecret,
    envVars: ['FAKE_CLIENT_ID', 'FAKE_CLIENT_SECRET'],
    parseTokenResponse: (json) => {
      const r = tokenResponse.parse(json);
      return {
        accessToken: r.access_token,
        refreshToken: r.refresh_token ?? null,
        expiresInSeconds: r.expires_in ?? null,
        scope: r.scope ?? null,
        externalAccountId: r.account.id,
        externalAccountName: r.account.name,
      };
    },
  };
  registerProvider(config);
  return config;
}

export interface Browser {
  cookie: string;
  tenantId: string;
}

export function slugOf(provider: IntegrationProvider): string {
  return provider.replace(/_/g, '-');
}

export async function startConnect(as: Browser, provider: IntegrationProvider = 'asana') {
  const res = await call(connectRoute.GET, { path: `/api/integrations/${slugOf(provider)}/connect`, params: { provider: slugOf(provider) }, as });
  return { ...res, location: res.headers.get('location'), stateCookie: res.headers.getSetCookie()[0]?.split(';')[0] ?? null };
}

// What the browser does at the provider: follow the authorize URL, which redirects back to our callback.
export async function approveAtProvider(authorizeUrl: string): Promise<URL> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

export async function returnToCallback(as: Browser, back: URL, stateCookie: string | null, provider: IntegrationProvider = 'asana') {
  const cookie = stateCookie ? `${as.cookie}; ${stateCookie}` : as.cookie;
  const res = await call(callbackRoute.GET, {
    path: `${back.pathname}${back.search}`,
    params: { provider: slugOf(provider) },
    as: { cookie, tenantId: as.tenantId },
  });
  const location = new URL(res.headers.get('location') ?? 'http://none/');
  return { ...res, location, connected: location.searchParams.get('connected'), error: location.searchParams.get('error') };
}

// The whole dance, as a browser does it.
export async function connectThroughFake(as: Browser, provider: IntegrationProvider = 'asana') {
  const started = await startConnect(as, provider);
  expect(started.status, JSON.stringify(started.body)).toBe(302);
  const back = await approveAtProvider(started.location ?? '');
  return returnToCallback(as, back, started.stateCookie, provider);
}
