import { and, eq } from 'drizzle-orm';
import { getEnv } from '@/lib/env';
import { ssoConnections, ssoLoginStates } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { readLimited } from '@/lib/http/body';
import { AppError } from '@/lib/http/errors';
import { logger } from '@/lib/log';
import { completeSsoSignIn, recordSsoFailure, type SsoRequestMeta } from './complete';
import { samlConfigOf, type ConnectionRow } from './connections';
import { sha256 } from './crypto';
import { failureReasonOf, ssoFailure, type SsoFailureReason } from './failure';
import type { FinishedSignIn, StartedSignIn } from './flow';
import { claimAssertionOnce, consumeLoginState, createLoginState, isSecureBase, tenantOfState } from './login-state';
import {
  createSamlLoginRedirect,
  samlIdpConfigSchemaWith,
  samlServiceProvider,
  validateSamlResponse,
  type SamlFailureReason,
  type SamlIdpConfig,
} from './saml';

// The SAML module's refusals, in the words of the SSO error page and audit log.
const SSO_REASON: Record<SamlFailureReason, SsoFailureReason> = {
  malformed: 'token_invalid',
  invalid_signature: 'token_invalid',
  wrong_issuer: 'issuer_mismatch',
  wrong_audience: 'audience_mismatch',
  expired: 'token_expired',
  not_yet_valid: 'token_expired',
  replayed: 'replayed',
  unsolicited: 'invalid_state',
  missing_email: 'email_missing',
};

function samlReasonOf(err: unknown): { reason: SamlFailureReason; idpStatus: string | null } | null {
  if (!(err instanceof AppError) || err.code !== 'sso_failed') return null;
  const details: unknown = err.details;
  if (!details || typeof details !== 'object' || !('reason' in details) || typeof details.reason !== 'string') return null;
  if (!(details.reason in SSO_REASON)) return null;
  const idpStatus = 'idpStatus' in details && typeof details.idpStatus === 'string' ? details.idpStatus : null;
  // Checked against the table's keys on the line above.
  return { reason: details.reason as SamlFailureReason, idpStatus };
}

function idpOf(row: ConnectionRow): SamlIdpConfig {
  const stored = samlConfigOf(row);
  const parsed = samlIdpConfigSchemaWith({ allowInsecure: getEnv().SSO_ALLOW_INSECURE_URLS }).safeParse(stored);
  if (!parsed.success) throw ssoFailure('idp_error', 'the connection settings are not a usable SAML configuration');
  return parsed.data;
}

/**
 * SP-initiated SAML: a login state whose public value travels as RelayState, with the AuthnRequest's id stored
 * beside it, so that any server instance can check the answer's InResponseTo (nothing is kept in memory).
 */
export async function startSamlSignIn(tenantId: string, row: ConnectionRow, nextPath: string, baseUrl: string, meta: SsoRequestMeta): Promise<StartedSignIn> {
  try {
    const idp = idpOf(row);
    const sp = samlServiceProvider(baseUrl, row.id);
    return await withTenant(tenantId, async (tx) => {
      const { state, browser } = await createLoginState(tx, tenantId, { connectionId: row.id, nextPath });
      const { url, requestId } = await createSamlLoginRedirect(idp, sp, state);
      await tx
        .update(ssoLoginStates)
        .set({ samlRequestId: requestId })
        .where(and(eq(ssoLoginStates.stateHash, sha256(state)), eq(ssoLoginStates.connectionId, row.id)));
      return { redirectTo: url, browser };
    });
  } catch (err) {
    const reason = failureReasonOf(err);
    if (reason) await recordSsoFailure({ tenantId, connectionId: row.id, protocol: 'saml', meta }, reason);
    throw err;
  }
}

export type SamlForm = { SAMLResponse: string | null; RelayState: string | null };

// The SAML module refuses a SAMLResponse over 256 KB; URL-encoding can triple base64's + / = characters.
const MAX_FORM_BYTES = 1024 * 1024;

/** The IdP's auto-submitted form (HTTP-POST binding). Anything else is refused as an unreadable response. */
export async function readSamlForm(req: Request): Promise<SamlForm> {
  const type = (req.headers.get('content-type') ?? '').toLowerCase();
  if (!type.startsWith('application/x-www-form-urlencoded')) throw ssoFailure('token_invalid', 'not a form post');
  const form = new URLSearchParams(new TextDecoder().decode(await readLimited(req, MAX_FORM_BYTES)));
  return { SAMLResponse: form.get('SAMLResponse'), RelayState: form.get('RelayState') };
}

/**
 * The ACS: RelayState names the tenant and its pending sign-in (used once), and the signed assertion must answer
 * its AuthnRequest id. Over https the browser must also bring the SameSite=None state cookie set at the start, so
 * an attacker's own assertion, posted through a victim's browser, signs no one in there (login CSRF). Over plain
 * http (local development) browsers drop SameSite=None cookies, and the request id is the only binding. A
 * response without RelayState (IdP-initiated) is refused: nothing ties it to a sign-in started here.
 */
export async function finishSamlSignIn(
  connectionId: string,
  form: SamlForm,
  browser: string | null,
  baseUrl: string,
  meta: SsoRequestMeta,
): Promise<FinishedSignIn> {
  const state = form.RelayState;
  const tenantId = tenantOfState(state);
  let knownConnection: string | null = null;
  let audited = false;
  try {
    const { login, row } = await withTenant(tenantId, async (tx) => {
      // Typed by tenantOfState above: a state it accepted is a string.
      const found = await consumeLoginState(tx, state ?? '', browser, { checkBrowser: isSecureBase(baseUrl) });
      const [conn] = await tx.select().from(ssoConnections).where(eq(ssoConnections.id, found.connectionId)).limit(1);
      return { login: found, row: conn ?? null };
    });
    // A state of this organization posted to another connection's ACS is as unknown here as a forged one.
    if (login.connectionId !== connectionId) throw ssoFailure('invalid_state');
    knownConnection = connectionId;
    if (!row) throw ssoFailure('no_connection');
    if (row.protocol !== 'saml' || !login.samlRequestId) throw ssoFailure('invalid_state');
    const expectedRequestId = login.samlRequestId;
    const profile = await validateSamlResponse(idpOf(row), samlServiceProvider(baseUrl, row.id), { SAMLResponse: form.SAMLResponse ?? '' }, {
      expectedRequestId,
      claimAssertionOnce: (id, expiresAt) => withTenant(tenantId, (tx) => claimAssertionOnce(tx, id, expiresAt)),
    }).catch(async (err: unknown) => {
      const saml = samlReasonOf(err);
      if (!saml) throw err;
      const reason = saml.idpStatus ? 'idp_error' : SSO_REASON[saml.reason];
      logger.warn('saml response refused', { requestId: meta.requestId, tenantId, connectionId, samlReason: saml.reason, idpStatus: saml.idpStatus });
      await recordSsoFailure({ tenantId, connectionId, protocol: 'saml', meta }, reason);
      audited = true;
      throw ssoFailure(reason, err instanceof Error ? err.message : undefined);
    });
    const done = await completeSsoSignIn({ tenantId, connection: row, profile, meta });
    return { ...done, nextPath: login.nextPath };
  } catch (err) {
    const reason = audited ? null : failureReasonOf(err);
    // As for OIDC: an unknown state may be forged, so it is logged and not written into that tenant's audit log.
    if (reason === 'invalid_state' && knownConnection === null) logger.warn('saml acs with an unknown state', { requestId: meta.requestId, ip: meta.ip });
    else if (reason === 'invalid_state' || reason === 'state_used' || reason === 'state_expired') {
      await recordSsoFailure({ tenantId, connectionId: knownConnection, protocol: 'saml', meta }, reason);
    }
    throw err;
  }
}
