import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { ssoAssertionsSeen, ssoLoginStates } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { isUuid } from '@/lib/db/tenant';
import { randomToken, sealSecret, sha256, unsealSecret } from './crypto';
import { ssoFailure } from './failure';

export const LOGIN_STATE_TTL_SECONDS = 10 * 60;
export const STATE_COOKIE = 'reflex_sso_state';
// The same browser secret in a SameSite=None cookie, which a SAML IdP's cross-site POST carries (https only).
export const SAML_STATE_COOKIE = 'reflex_sso_saml_state';

// Whether the browser reaches us over https: then the state cookies are Secure, and SAML's can be SameSite=None.
export function isSecureBase(baseUrl: string): boolean {
  return baseUrl.startsWith('https://');
}

export interface NewLoginState {
  connectionId: string;
  nonce?: string | null;
  codeVerifier?: string | null;
  samlRequestId?: string | null;
  nextPath: string;
}

export interface LoginState {
  connectionId: string;
  nonce: string | null;
  codeVerifier: string | null;
  samlRequestId: string | null;
  nextPath: string;
}

/**
 * The public state is `<tenantId>.<random>`: the callback opens that tenant's transaction and finds the row under
 * RLS, so a forged tenant id finds nothing. Only hashes are stored. `browser` goes into an httpOnly cookie, and the
 * callback must bring it back (a state alone, lured into another browser, signs nobody in there).
 */
export async function createLoginState(tx: Tx, tenantId: string, input: NewLoginState): Promise<{ state: string; browser: string }> {
  const state = `${tenantId}.${randomToken()}`;
  const browser = randomToken();
  const now = new Date();
  await tx.delete(ssoLoginStates).where(lt(ssoLoginStates.expiresAt, now));
  await tx.insert(ssoLoginStates).values({
    tenantId,
    stateHash: sha256(state),
    browserHash: sha256(browser),
    connectionId: input.connectionId,
    nonce: input.nonce ?? null,
    codeVerifier: input.codeVerifier ? sealSecret(input.codeVerifier) : null,
    samlRequestId: input.samlRequestId ?? null,
    nextPath: input.nextPath,
    expiresAt: new Date(now.getTime() + LOGIN_STATE_TTL_SECONDS * 1000),
  });
  return { state, browser };
}

/** The tenant a state names, or an sso_failed error when it cannot be one of ours. */
export function tenantOfState(state: string | null): string {
  const tenantId = state?.split('.')[0] ?? '';
  if (!state || state.length > 200 || !isUuid(tenantId)) throw ssoFailure('invalid_state');
  return tenantId;
}

/**
 * Single use: the row is marked used by the same statement that finds it unused, so two callbacks racing with one
 * state cannot both pass. `checkBrowser: false` skips the cookie check (SAML over plain http, where the IdP's
 * cross-site POST carries no cookie at all; the SAML module binds by InResponseTo there).
 */
export async function consumeLoginState(tx: Tx, state: string, browser: string | null, opts: { checkBrowser: boolean } = { checkBrowser: true }): Promise<LoginState> {
  const hash = sha256(state);
  const [row] = await tx.select().from(ssoLoginStates).where(eq(ssoLoginStates.stateHash, hash)).limit(1);
  if (!row) throw ssoFailure('invalid_state');
  if (row.usedAt) throw ssoFailure('state_used');
  if (row.expiresAt.getTime() <= Date.now()) throw ssoFailure('state_expired');
  if (opts.checkBrowser && (!browser || sha256(browser) !== row.browserHash)) throw ssoFailure('browser_mismatch');
  const [used] = await tx
    .update(ssoLoginStates)
    .set({ usedAt: new Date() })
    .where(and(eq(ssoLoginStates.id, row.id), isNull(ssoLoginStates.usedAt)))
    .returning({ id: ssoLoginStates.id });
  if (!used) throw ssoFailure('state_used');
  return {
    connectionId: row.connectionId,
    nonce: row.nonce,
    codeVerifier: row.codeVerifier ? unsealSecret(row.codeVerifier) : null,
    samlRequestId: row.samlRequestId,
    nextPath: row.nextPath,
  };
}

/**
 * SAML replay protection: true the first time an assertion id is seen in this tenant, false after. Expired ids are
 * dropped as they are no longer acceptable anyway (the assertion's own NotOnOrAfter refuses them).
 */
export async function claimAssertionOnce(tx: Tx, id: string, expiresAt: Date): Promise<boolean> {
  await tx.delete(ssoAssertionsSeen).where(lt(ssoAssertionsSeen.expiresAt, new Date()));
  const inserted = await tx
    .insert(ssoAssertionsSeen)
    .values({ tenantId: sql`(select nullif(current_setting('app.tenant_id', true), ''))::uuid`, assertionId: id, expiresAt })
    .onConflictDoNothing()
    .returning({ id: ssoAssertionsSeen.assertionId });
  return inserted.length === 1;
}
