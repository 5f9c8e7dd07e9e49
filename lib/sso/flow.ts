import { eq } from 'drizzle-orm';
import { ssoConnections } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { logger } from '@/lib/log';
import { oidcRedirectUri, type ConnectionRow } from './connections';
import { completeSsoSignIn, recordSsoFailure, type CompletedSignIn, type SsoRequestMeta } from './complete';
import { discoverSso } from './discovery';
import { failureReasonOf, ssoFailure } from './failure';
import { consumeLoginState, createLoginState, tenantOfState } from './login-state';
import { authorizationUrl, finishOidc, prepareOidc } from './oidc';
import { startSamlSignIn } from './saml-flow';

export type StartTarget = { email: string } | { tenantId: string; connectionId: string };

export interface StartedSignIn {
  redirectTo: string;
  browser: string;
}

async function connectionFor(target: StartTarget): Promise<{ tenantId: string; row: ConnectionRow }> {
  let tenantId: string;
  let connectionId: string;
  if ('email' in target) {
    const found = await discoverSso(target.email);
    if (!found?.connectionId) throw ssoFailure('no_connection');
    tenantId = found.tenantId;
    connectionId = found.connectionId;
  } else {
    tenantId = target.tenantId;
    connectionId = target.connectionId;
  }
  const row = await withTenant(tenantId, async (tx) => {
    const [found] = await tx.select().from(ssoConnections).where(eq(ssoConnections.id, connectionId)).limit(1);
    return found ?? null;
  });
  if (!row) throw ssoFailure('no_connection');
  if (row.status !== 'active') throw ssoFailure('connection_disabled');
  return { tenantId, row };
}

/**
 * The first leg: which organization and connection (by the address's verified domain, or named directly), a
 * login state, and the IdP URL to send the browser to (lib/sso/saml-flow.ts for SAML connections).
 */
export async function startSsoSignIn(target: StartTarget, nextPath: string, baseUrl: string, meta: SsoRequestMeta): Promise<StartedSignIn> {
  const { tenantId, row } = await connectionFor(target);
  if (row.protocol === 'saml') return startSamlSignIn(tenantId, row, nextPath, baseUrl, meta);
  try {
    const secrets = await prepareOidc(row);
    const { state, browser } = await withTenant(tenantId, (tx) => createLoginState(tx, tenantId, { connectionId: row.id, ...secrets, nextPath }));
    const redirectTo = await authorizationUrl(row, { state, ...secrets, redirectUri: oidcRedirectUri(baseUrl) });
    return { redirectTo, browser };
  } catch (err) {
    const reason = failureReasonOf(err);
    if (reason) await recordSsoFailure({ tenantId, connectionId: row.id, protocol: row.protocol, meta }, reason);
    throw err;
  }
}

export interface FinishedSignIn extends CompletedSignIn {
  nextPath: string;
}

/**
 * The OIDC callback: the state names the tenant (its login state is found under that tenant's RLS, used once, and
 * must come back in the browser that started), the IdP's answer is verified, then the common sign-in completes.
 */
export async function finishOidcSignIn(callbackUrl: URL, browser: string | null, baseUrl: string, meta: SsoRequestMeta): Promise<FinishedSignIn> {
  const state = callbackUrl.searchParams.get('state');
  const tenantId = tenantOfState(state);
  let connectionId: string | null = null;
  try {
    const { login, row } = await withTenant(tenantId, async (tx) => {
      // Typed by tenantOfState above: a state it accepted is a string.
      const found = await consumeLoginState(tx, state ?? '', browser);
      const [conn] = await tx.select().from(ssoConnections).where(eq(ssoConnections.id, found.connectionId)).limit(1);
      return { login: found, row: conn ?? null };
    });
    connectionId = login.connectionId;
    if (!row) throw ssoFailure('no_connection');
    if (row.protocol !== 'oidc' || !login.nonce || !login.codeVerifier) throw ssoFailure('invalid_state');
    // The redirect URI registered at the IdP, whatever host this request came in through.
    const current = new URL(`${oidcRedirectUri(baseUrl)}${callbackUrl.search}`);
    const profile = await finishOidc(row, current, { state: state ?? '', nonce: login.nonce, codeVerifier: login.codeVerifier }).catch(async (err: unknown) => {
      const reason = failureReasonOf(err);
      if (reason) await recordSsoFailure({ tenantId, connectionId: row.id, protocol: 'oidc', meta }, reason);
      throw err;
    });
    const done = await completeSsoSignIn({ tenantId, connection: row, profile, meta });
    return { ...done, nextPath: login.nextPath };
  } catch (err) {
    const reason = failureReasonOf(err);
    // A state that names a tenant but matches none of its sign-ins may be forged: logged, not written into that
    // tenant's audit log (anyone could otherwise fill it). Refusals of a real login state are audited above or here.
    if (reason === 'invalid_state') logger.warn('sso callback with an unknown state', { requestId: meta.requestId, ip: meta.ip });
    else if (reason === 'state_used' || reason === 'state_expired' || reason === 'browser_mismatch') {
      await recordSsoFailure({ tenantId, connectionId, protocol: 'oidc', meta }, reason);
    }
    throw err;
  }
}
