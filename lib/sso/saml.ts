import { randomBytes } from 'node:crypto';
import { SAML, ValidateInResponseTo, type SamlConfig } from '@node-saml/node-saml';
import { AppError } from '@/lib/http/errors';
import type { SsoProfile } from '@/lib/sso/profile';
import type { SamlIdpConfig, SamlServiceProvider } from '@/lib/sso/saml-config';
import { readSamlProfile } from '@/lib/sso/saml-profile';
import {
  SAML_ASSERTION_NS,
  SAML_PROTOCOL_NS,
  attr,
  childElements,
  firstChild,
  isNamed,
  parseUntrustedXml,
  textOf,
  type XmlElement,
} from '@/lib/sso/saml-xml';

export {
  normalizeCertificate,
  parseSamlIdpMetadata,
  renderSamlSpMetadata,
  samlIdpConfigSchema,
  samlIdpConfigSchemaWith,
  samlServiceProvider,
  type SamlIdpConfig,
  type SamlServiceProvider,
} from '@/lib/sso/saml-config';

export type SamlFailureReason =
  | 'malformed'
  | 'invalid_signature'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'expired'
  | 'not_yet_valid'
  | 'replayed'
  | 'unsolicited'
  | 'missing_email';

// Real responses are 5–30 KB of base64; Azure with 150 groups stays under 100 KB.
export const MAX_SAML_RESPONSE_CHARS = 256 * 1024;
// SAML bindings §3.4.3: RelayState must not exceed 80 bytes.
const MAX_RELAY_STATE = 80;
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

function samlFailure(reason: SamlFailureReason, message: string): AppError {
  return new AppError('sso_failed', message, { details: { reason } });
}

// One SAML instance per call: node-saml's InResponseTo cache is in-memory, which is wrong with several server
// instances, so it stays off ('never') and the request id travels in our login state instead. Time checks
// (acceptedClockSkewMs -1) and the audience check are also ours, so that they use the caller's clock and name
// the failure precisely; node-saml keeps the part it is good at: finding and verifying the XML signature.
function samlClient(idp: SamlIdpConfig, sp: SamlServiceProvider, extra: Partial<SamlConfig> = {}): SAML {
  return new SAML({
    entryPoint: idp.idpSsoUrl,
    issuer: sp.entityId,
    callbackUrl: sp.acsUrl,
    idpCert: idp.idpCertificates,
    audience: false,
    acceptedClockSkewMs: -1,
    validateInResponseTo: ValidateInResponseTo.never,
    // Either the assertion or the whole response must carry a valid signature; node-saml refuses when neither does.
    wantAssertionsSigned: false,
    wantAuthnResponseSigned: false,
    // Let the IdP pick the NameID format it was configured with; asking for one it lacks is an error at Okta.
    identifierFormat: null,
    // Asking for PasswordProtectedTransport makes Azure AD refuse users who signed in with MFA or passwordless.
    disableRequestedAuthnContext: true,
    ...extra,
  });
}

// SP-initiated sign-in, HTTP-Redirect binding. The caller stores requestId with the login state (keyed by
// relayState) and passes it back as expectedRequestId.
export async function createSamlLoginRedirect(
  idp: SamlIdpConfig,
  sp: SamlServiceProvider,
  relayState: string,
): Promise<{ url: string; requestId: string }> {
  if (relayState.length === 0 || relayState.length > MAX_RELAY_STATE) {
    throw new Error(`SAML RelayState must be 1–${MAX_RELAY_STATE} characters`);
  }
  // IDs are xs:ID (an NCName), so they must not start with a digit.
  const requestId = `_${randomBytes(20).toString('hex')}`;
  const url = await samlClient(idp, sp, { generateUniqueId: () => requestId }).getAuthorizeUrlAsync(
    relayState,
    undefined,
    {},
  );
  return { url, requestId };
}

function decodeResponse(encoded: string): XmlElement {
  if (encoded.length > MAX_SAML_RESPONSE_CHARS) throw samlFailure('malformed', 'The SAML response is too large');
  const compact = encoded.replace(/\s+/g, '');
  if (!compact || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    throw samlFailure('malformed', 'The SAML response is not base64');
  }
  const parsed = parseUntrustedXml(Buffer.from(compact, 'base64').toString('utf8'));
  if (!parsed.ok) {
    throw samlFailure(
      'malformed',
      parsed.why === 'doctype' ? 'The SAML response contains a DOCTYPE declaration' : 'The SAML response is not XML',
    );
  }
  if (!isNamed(parsed.root, SAML_PROTOCOL_NS, 'Response')) {
    throw samlFailure('malformed', 'The SAML message is not a Response');
  }
  checkStatus(parsed.root);
  return parsed.root;
}

// An IdP that refuses someone (not assigned to the app, cancelled MFA) answers with an error status and no
// assertion, often unsigned. Its message is shown to the person, so it is shortened and never trusted further.
function checkStatus(response: XmlElement): void {
  const status = firstChild(response, SAML_PROTOCOL_NS, 'Status');
  const code = status ? firstChild(status, SAML_PROTOCOL_NS, 'StatusCode') : null;
  const value = attr(code, 'Value');
  if (value === SUCCESS) return;
  if (value === null) throw samlFailure('malformed', 'The SAML response has no status');
  const detail = attr(code ? firstChild(code, SAML_PROTOCOL_NS, 'StatusCode') : null, 'Value') ?? value;
  const said = textOf(status ? firstChild(status, SAML_PROTOCOL_NS, 'StatusMessage') : null);
  const reason = `${said ? `${said.slice(0, 200)} ` : ''}(${detail.split(':').pop()})`;
  throw new AppError('sso_failed', `The identity provider did not sign you in: ${reason}`, {
    details: { reason: 'malformed' satisfies SamlFailureReason, idpStatus: detail },
  });
}

function mapLibraryError(error: unknown): AppError {
  const message = error instanceof Error ? error.message : String(error);
  if (/decryption key/i.test(message)) {
    return samlFailure('malformed', 'Encrypted assertions are not supported; turn off assertion encryption at the identity provider');
  }
  if (/signature|signed|ID cannot refer|Referenced node|ref URI/i.test(message)) {
    return samlFailure('invalid_signature', 'The SAML response is not signed by the identity provider’s certificate');
  }
  return samlFailure('malformed', 'The SAML response could not be read');
}

function instant(value: string | null, what: string): number | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw samlFailure('malformed', `The assertion's ${what} is not a valid time`);
  return ms;
}

type Window = { notBefore: number | null; notOnOrAfter: number | null };

function checkWindow(window: Window, nowMs: number, skewMs: number): void {
  if (window.notBefore !== null && nowMs + skewMs < window.notBefore) {
    throw samlFailure('not_yet_valid', 'The SAML assertion is not valid yet (check the clocks of both servers)');
  }
  if (window.notOnOrAfter !== null && nowMs - skewMs >= window.notOnOrAfter) {
    throw samlFailure('expired', 'The SAML assertion has expired; sign in again');
  }
}

function checkIssuer(response: XmlElement, assertion: XmlElement, idp: SamlIdpConfig): void {
  const assertionIssuer = textOf(firstChild(assertion, SAML_ASSERTION_NS, 'Issuer'));
  const responseIssuer = textOf(firstChild(response, SAML_ASSERTION_NS, 'Issuer'));
  if (assertionIssuer !== idp.idpEntityId || (responseIssuer !== null && responseIssuer !== idp.idpEntityId)) {
    throw samlFailure('wrong_issuer', 'The SAML response comes from a different identity provider than this connection');
  }
}

// Conditions: the audience must name us and the validity window must hold.
function checkConditions(assertion: XmlElement, sp: SamlServiceProvider, nowMs: number, skewMs: number): number | null {
  const conditions = childElements(assertion, SAML_ASSERTION_NS, 'Conditions');
  const only = conditions[0];
  if (!only || conditions.length > 1) {
    throw samlFailure('wrong_audience', 'The SAML assertion is not restricted to this application (no audience)');
  }
  const restrictions = childElements(only, SAML_ASSERTION_NS, 'AudienceRestriction');
  const ours = restrictions.every((r) =>
    childElements(r, SAML_ASSERTION_NS, 'Audience').some((a) => textOf(a) === sp.entityId),
  );
  if (restrictions.length === 0 || !ours) {
    throw samlFailure('wrong_audience', 'The SAML assertion is meant for another application (audience mismatch)');
  }
  const window = {
    notBefore: instant(attr(only, 'NotBefore'), 'NotBefore'),
    notOnOrAfter: instant(attr(only, 'NotOnOrAfter'), 'NotOnOrAfter'),
  };
  checkWindow(window, nowMs, skewMs);
  return window.notOnOrAfter;
}

// Web SSO profile §4.1.4.2: a bearer SubjectConfirmationData names our ACS as Recipient, answers our request
// and expires. It sits inside the signed assertion, unlike the Response's own Destination and InResponseTo.
function checkBearer(
  assertion: XmlElement,
  sp: SamlServiceProvider,
  expectedRequestId: string,
  nowMs: number,
  skewMs: number,
): number {
  const subject = firstChild(assertion, SAML_ASSERTION_NS, 'Subject');
  const bearers = (subject ? childElements(subject, SAML_ASSERTION_NS, 'SubjectConfirmation') : []).filter(
    (c) => attr(c, 'Method') === BEARER,
  );
  let firstError: AppError | null = null;
  for (const confirmation of bearers) {
    try {
      const data = firstChild(confirmation, SAML_ASSERTION_NS, 'SubjectConfirmationData');
      if (attr(data, 'Recipient') !== sp.acsUrl) {
        throw samlFailure('wrong_audience', 'The SAML assertion was sent to another address (Recipient mismatch)');
      }
      if (attr(data, 'InResponseTo') !== expectedRequestId) {
        throw samlFailure('unsolicited', 'The SAML response does not answer the sign-in started here; start again from the sign-in page');
      }
      const notOnOrAfter = instant(attr(data, 'NotOnOrAfter'), 'NotOnOrAfter');
      if (notOnOrAfter === null) throw samlFailure('malformed', 'The SAML assertion has no expiry (NotOnOrAfter)');
      checkWindow({ notBefore: instant(attr(data, 'NotBefore'), 'NotBefore'), notOnOrAfter }, nowMs, skewMs);
      return notOnOrAfter;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      firstError ??= error;
    }
  }
  throw firstError ?? samlFailure('malformed', 'The SAML assertion has no bearer subject confirmation');
}

// Validates a SAMLResponse posted to our ACS and returns who signed in. IdP-initiated sign-in (a response
// that answers no request of ours) is refused: without a request id bound to the browser's login state, a
// stolen or injected assertion could sign a victim into an attacker's account (login CSRF), and replay
// protection would rest on the assertion cache alone.
export async function validateSamlResponse(
  idp: SamlIdpConfig,
  sp: SamlServiceProvider,
  form: { SAMLResponse: string },
  opts: {
    expectedRequestId: string;
    claimAssertionOnce: (assertionId: string, expiresAt: Date) => Promise<boolean>;
    clockSkewMs?: number;
    now?: Date;
  },
): Promise<SsoProfile> {
  const response = decodeResponse(form.SAMLResponse);
  if (!opts.expectedRequestId) {
    throw samlFailure('unsolicited', 'Sign-in must start from this application (IdP-initiated sign-in is not supported)');
  }

  let assertionXml: string;
  try {
    const { profile } = await samlClient(idp, sp).validatePostResponseAsync({ SAMLResponse: form.SAMLResponse });
    const xml = profile?.getAssertionXml?.();
    if (!xml) throw samlFailure('malformed', 'The SAML response carries no assertion');
    assertionXml = xml;
  } catch (error) {
    throw error instanceof AppError ? error : mapLibraryError(error);
  }
  // Only the bytes the signature covers are read from here on (never the original document: signature wrapping).
  const parsed = parseUntrustedXml(assertionXml);
  if (!parsed.ok || !isNamed(parsed.root, SAML_ASSERTION_NS, 'Assertion')) {
    throw samlFailure('malformed', 'The signed SAML assertion could not be read');
  }
  const assertion = parsed.root;
  const nowMs = (opts.now ?? new Date()).getTime();
  const skewMs = opts.clockSkewMs ?? 60_000;

  checkIssuer(response, assertion, idp);
  const destination = attr(response, 'Destination');
  if (destination !== null && destination !== sp.acsUrl) {
    throw samlFailure('wrong_audience', 'The SAML response was sent to another address (Destination mismatch)');
  }
  const conditionsExpiry = checkConditions(assertion, sp, nowMs, skewMs);
  const responseInResponseTo = attr(response, 'InResponseTo');
  if (responseInResponseTo !== null && responseInResponseTo !== opts.expectedRequestId) {
    throw samlFailure('unsolicited', 'The SAML response does not answer the sign-in started here; start again from the sign-in page');
  }
  const bearerExpiry = checkBearer(assertion, sp, opts.expectedRequestId, nowMs, skewMs);
  const profile = readSamlProfile(assertion, idp);

  const assertionId = attr(assertion, 'ID');
  if (!assertionId) throw samlFailure('malformed', 'The SAML assertion has no ID');
  // Remember the id for as long as the assertion could still be accepted.
  const expiresAt = new Date(Math.min(bearerExpiry, conditionsExpiry ?? bearerExpiry) + skewMs);
  if (!(await opts.claimAssertionOnce(assertionId, expiresAt))) {
    throw samlFailure('replayed', 'This SAML assertion was already used; sign in again');
  }
  return profile;
}
