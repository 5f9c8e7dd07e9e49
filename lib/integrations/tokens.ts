import { z } from 'zod';
import { withTenant } from '@/lib/db/tenant';
import { ProviderUnauthorized } from './http';
import { isRevokedRefresh, refreshTokens } from './oauth';
import { INTEGRATION_PROVIDERS, type IntegrationProvider, type OAuthProviderConfig } from './provider';
import { getProvider } from './registry';
import { recordIntegrationEvent } from './audit';
import { loadCredentials, markConnection, storeRefreshedTokens, type Credentials } from './store';
import './providers';

export interface ConnectionRef {
  tenantId: string;
  connectionId: string;
}

// Refresh this long before the provider's expiry, so a token never expires halfway through a request.
const REFRESH_SKEW_MS = 5 * 60_000;

// The connection can only work again once someone reconnects it (revoked refresh token, a disconnect). Sync jobs stop
// on it rather than retry (inngest/functions/integrations/sync-helpers.ts).
export class IntegrationReauthRequired extends Error {
  constructor(
    readonly connectionId: string,
    message: string,
  ) {
    super(message);
    this.name = 'IntegrationReauthRequired';
  }
}

// A 401 as SDKs report it: ours (providerFetch), @slack/web-api (data.error), googleapis (status/code), asana (status).
const unauthorizedShape = z.union([
  z.object({ status: z.literal(401) }),
  z.object({ statusCode: z.literal(401) }),
  z.object({ code: z.union([z.literal(401), z.literal('401')]) }),
  z.object({ response: z.object({ status: z.literal(401) }) }),
  z.object({ data: z.object({ error: z.enum(['token_expired', 'invalid_auth', 'not_authed']) }) }),
]);

export function isUnauthorizedError(err: unknown): boolean {
  return err instanceof ProviderUnauthorized || unauthorizedShape.safeParse(err).success;
}

function providerOf(name: string): IntegrationProvider {
  const provider = INTEGRATION_PROVIDERS.find((p) => p === name);
  if (!provider) throw new Error(`unknown integration provider ${name}`);
  return provider;
}

async function markReauthRequired(ref: ConnectionRef, provider: string, reason: string): Promise<IntegrationReauthRequired> {
  const message = `Reconnect needed: ${reason}`;
  await withTenant(ref.tenantId, async (tx) => {
    await markConnection(tx, ref.connectionId, 'reauth_required', message);
    await recordIntegrationEvent(tx, { action: 'integration.reauthRequired', outcome: 'failure', connectionId: ref.connectionId, provider });
  });
  return new IntegrationReauthRequired(ref.connectionId, message);
}

const load = (ref: ConnectionRef) => withTenant(ref.tenantId, (tx) => loadCredentials(tx, ref.tenantId, ref.connectionId));

async function usable(ref: ConnectionRef): Promise<Credentials & { accessToken: string }> {
  const creds = await load(ref);
  if (!creds || creds.status === 'disconnected' || !creds.accessToken) {
    throw new IntegrationReauthRequired(ref.connectionId, 'This connection was disconnected');
  }
  if (creds.status === 'reauth_required') throw new IntegrationReauthRequired(ref.connectionId, 'This connection needs to be reconnected');
  return { ...creds, accessToken: creds.accessToken };
}

// Refreshes outside any transaction (a provider round trip must not hold a connection). A refresh token the
// provider no longer accepts may just have been rotated by a concurrent run: if the stored one changed meanwhile,
// that run's tokens are used; otherwise the connection needs a reconnect.
async function refresh(ref: ConnectionRef, config: OAuthProviderConfig, creds: Credentials & { accessToken: string }) {
  if (!creds.refreshToken) throw await markReauthRequired(ref, creds.provider, `${config.label} no longer accepts the access token`);
  try {
    const tokens = await refreshTokens(config, creds.refreshToken);
    await withTenant(ref.tenantId, (tx) => storeRefreshedTokens(tx, { tenantId: ref.tenantId, connectionId: ref.connectionId, tokens, previousRefreshToken: creds.refreshToken }));
    return { ...creds, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? creds.refreshToken };
  } catch (err) {
    if (!isRevokedRefresh(err)) throw err;
    const latest = await load(ref);
    if (latest?.accessToken && latest.refreshCiphertext !== creds.refreshCiphertext && latest.status !== 'reauth_required') {
      return { ...latest, accessToken: latest.accessToken };
    }
    throw await markReauthRequired(ref, creds.provider, `${config.label} revoked this connection's access`);
  }
}

/**
 * Runs fn with a valid access token: refreshes before expiry (and once on a provider 401), marks the connection
 * reauth_required when the refresh token is revoked. Never called inside an open tenant transaction (it opens its
 * own, short ones; on the embedded database a nested one would wait forever).
 */
export async function withAccessToken<T>(ref: ConnectionRef, fn: (accessToken: string) => Promise<T>): Promise<T> {
  let creds = await usable(ref);
  const config = getProvider(providerOf(creds.provider));
  if (creds.expiresAt && creds.expiresAt.getTime() - Date.now() < REFRESH_SKEW_MS) creds = await refresh(ref, config, creds);
  try {
    return await fn(creds.accessToken);
  } catch (err) {
    if (!isUnauthorizedError(err)) throw err;
  }
  creds = await refresh(ref, config, creds);
  try {
    return await fn(creds.accessToken);
  } catch (err) {
    if (isUnauthorizedError(err)) throw await markReauthRequired(ref, creds.provider, `${config.label} refused a freshly refreshed token`);
    throw err;
  }
}
