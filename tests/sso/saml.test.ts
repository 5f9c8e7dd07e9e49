import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/http/errors';
import {
  MAX_SAML_RESPONSE_CHARS,
  createSamlLoginRedirect,
  parseSamlIdpMetadata,
  renderSamlSpMetadata,
  samlIdpConfigSchema,
  samlIdpConfigSchemaWith,
  samlServiceProvider,
  validateSamlResponse,
  type SamlIdpConfig,
} from '@/lib/sso/saml';
import {
  NAMEID_PERSISTENT,
  createTestIdp,
  decodeBase64Xml,
  encodeBase64Xml,
  generateSigningKey,
  spFromMetadata,
  type TestAssertion,
  type TestIdp,
  type TestKeyPair,
} from '@/tests/helpers/saml-idp';

const APP_URL = 'https://reflex.test';
const IDP_ENTITY = 'https://idp.test/metadata';
const IDP_SSO = 'https://idp.test/sso';
const sp = samlServiceProvider(APP_URL, '0b8f6c3e-1d7a-4a43-9d1e-7c4b2f0a9e51');

let keys: TestKeyPair;
let otherKeys: TestKeyPair;
let testIdp: TestIdp;
let config: SamlIdpConfig;
let spForIdp: ReturnType<typeof spFromMetadata>;

beforeAll(async () => {
  [keys, otherKeys] = await Promise.all([generateSigningKey(), generateSigningKey('Impostor')]);
  testIdp = createTestIdp({ entityId: IDP_ENTITY, ssoUrl: IDP_SSO, keys });
  config = parseSamlIdpMetadata(testIdp.metadata);
  spForIdp = spFromMetadata(renderSamlSpMetadata(sp));
});

// A replay store with the semantics the SSO core's table gives: the first claim of an id wins.
function claimStore() {
  const claimed = new Map<string, Date>();
  return {
    claimed,
    claimAssertionOnce: async (id: string, expiresAt: Date) => {
      if (claimed.has(id)) return false;
      claimed.set(id, expiresAt);
      return true;
    },
  };
}

const REQUEST_ID = '_4f1c2a9b7e3d4c5f8a6b0d1e2f3a4b5c6d7e8f90';

async function validate(
  samlResponse: string,
  opts: { expectedRequestId?: string; now?: Date; clockSkewMs?: number; idp?: SamlIdpConfig } = {},
) {
  const store = claimStore();
  return validateSamlResponse(opts.idp ?? config, sp, { SAMLResponse: samlResponse }, {
    expectedRequestId: opts.expectedRequestId ?? REQUEST_ID,
    claimAssertionOnce: store.claimAssertionOnce,
    now: opts.now,
    clockSkewMs: opts.clockSkewMs,
  });
}

async function failure(promise: Promise<unknown>): Promise<{ reason: string; message: string; status: number }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    if (!(error instanceof AppError)) throw error;
    expect(error.code).toBe('sso_failed');
    const reason = (error.details as { reason?: string } | undefined)?.reason ?? '';
    return { reason, message: error.message, status: error.status };
  }
  throw new Error('expected the SAML response to be refused');
}

const OKTA_ATTRIBUTES = {
  email: ['Ada@Example.com'],
  firstName: ['Ada'],
  lastName: ['Lovelace'],
  groups: ['Engineering', 'Admins'],
};

function respond(overrides: Partial<TestAssertion> = {}) {
  return testIdp.respond(spForIdp, { requestId: REQUEST_ID, attributes: OKTA_ATTRIBUTES, ...overrides });
}

describe('validateSamlResponse', () => {
  it('accepts an assertion signed by the IdP and reads email, name and groups', async () => {
    const issuedAt = new Date();
    const response = await respond({ issuedAt, assertionId: '_assertion-1', nameId: 'ada@example.com' });
    expect(decodeBase64Xml(response)).toContain('<ds:Signature');
    const store = claimStore();
    const profile = await validateSamlResponse(config, sp, { SAMLResponse: response }, {
      expectedRequestId: REQUEST_ID,
      claimAssertionOnce: store.claimAssertionOnce,
    });
    expect(profile).toEqual({
      subject: 'ada@example.com',
      email: 'ada@example.com',
      emailVerified: true,
      name: 'Ada Lovelace',
      groups: ['Engineering', 'Admins'],
    });
    // The replay record lives as long as the assertion could be accepted: NotOnOrAfter plus the clock skew.
    expect([...store.claimed.keys()]).toEqual(['_assertion-1']);
    expect(store.claimed.get('_assertion-1')?.getTime()).toBe(issuedAt.getTime() + 5 * 60_000 + 60_000);
  });

  it('reads Azure AD claim names and a persistent NameID as the subject', async () => {
    const response = await respond({
      nameId: 'k3J9x-persistent-id',
      nameIdFormat: NAMEID_PERSISTENT,
      attributes: {
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': ['grace@example.com'],
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': ['grace@example.onmicrosoft.com'],
        'http://schemas.microsoft.com/identity/claims/displayname': ['Grace Hopper'],
        'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups': [
          '2d8f1c44-0b6a-4f3e-9a51-6c7d8e9f0a1b',
          '7e6d5c4b-3a29-4180-b7c6-d5e4f3a2b1c0',
        ],
      },
    });
    expect(await validate(response)).toEqual({
      subject: 'k3J9x-persistent-id',
      email: 'grace@example.com',
      emailVerified: true,
      name: 'Grace Hopper',
      groups: ['2d8f1c44-0b6a-4f3e-9a51-6c7d8e9f0a1b', '7e6d5c4b-3a29-4180-b7c6-d5e4f3a2b1c0'],
    });
  });

  it('takes the email from an emailAddress NameID when no attribute carries it', async () => {
    const profile = await validate(await respond({ nameId: 'Linus@Example.com', attributes: {} }));
    expect(profile).toMatchObject({ subject: 'Linus@Example.com', email: 'linus@example.com', name: null, groups: [] });
  });

  it('follows the connection attribute mapping instead of the well-known names', async () => {
    const mapped = { ...config, attributeMapping: { email: 'corpMail', name: 'fullName', groups: 'teams' } };
    const response = await respond({
      nameId: 'opaque-1',
      nameIdFormat: NAMEID_PERSISTENT,
      attributes: { email: ['ignored@example.com'], corpMail: ['mapped@example.com'], fullName: ['Mapped Person'], teams: ['Red'] },
    });
    expect(await validate(response, { idp: mapped })).toEqual({
      subject: 'opaque-1',
      email: 'mapped@example.com',
      emailVerified: true,
      name: 'Mapped Person',
      groups: ['Red'],
    });
  });

  it('accepts a response whose signature covers the whole message instead of the assertion', async () => {
    const spWantingSignedMessages = spFromMetadata(
      renderSamlSpMetadata(sp).replace('WantAssertionsSigned="true"', 'WantAssertionsSigned="false"'),
    );
    const response = await testIdp.respond(spWantingSignedMessages, { requestId: REQUEST_ID, attributes: OKTA_ATTRIBUTES });
    const xml = decodeBase64Xml(response);
    // One signature, placed after the Response's Issuer (not inside the Assertion).
    expect(xml.match(/<ds:Signature[ >]/g)).toHaveLength(1);
    expect(xml.search(/<ds:Signature[ >]/)).toBeLessThan(xml.indexOf('<saml:Assertion'));
    expect((await validate(response)).email).toBe('ada@example.com');
  });

  it('refuses an assertion signed by another key', async () => {
    const impostor = createTestIdp({ entityId: IDP_ENTITY, ssoUrl: IDP_SSO, keys: otherKeys });
    const response = await impostor.respond(spForIdp, { requestId: REQUEST_ID, attributes: OKTA_ATTRIBUTES });
    expect(await failure(validate(response))).toMatchObject({ reason: 'invalid_signature', status: 401 });
  });

  it('accepts the second of two configured certificates (rotation)', async () => {
    const rotated = samlIdpConfigSchema.parse({
      idpEntityId: IDP_ENTITY,
      idpSsoUrl: IDP_SSO,
      idpCertificates: [otherKeys.cert, keys.cert],
    });
    expect((await validate(await respond(), { idp: rotated })).email).toBe('ada@example.com');
  });

  it('refuses an assertion changed after signing', async () => {
    const xml = decodeBase64Xml(await respond());
    const tampered = xml.replace('Ada@Example.com', 'mallory@example.com');
    expect(tampered).not.toBe(xml);
    expect((await failure(validate(encodeBase64Xml(tampered)))).reason).toBe('invalid_signature');
  });

  it('refuses an unsigned response', async () => {
    const xml = decodeBase64Xml(await respond());
    const unsigned = xml.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '');
    expect(unsigned).not.toContain('Signature');
    expect((await failure(validate(encodeBase64Xml(unsigned)))).reason).toBe('invalid_signature');
  });

  it('refuses a response that wraps a forged assertion next to the signed one', async () => {
    const xml = decodeBase64Xml(await respond());
    const signed = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)?.[0] ?? '';
    const forged = signed
      .replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '')
      .replace(/ID="[^"]+"/, 'ID="_forged"')
      .replace('Ada@Example.com', 'mallory@example.com');
    const wrapped = xml.replace('<saml:Assertion', `${forged}<saml:Assertion`);
    expect((await failure(validate(encodeBase64Xml(wrapped)))).reason).toBe('invalid_signature');
  });

  it('refuses an expired assertion', async () => {
    const response = await respond({ issuedAt: new Date(Date.now() - 10 * 60_000) });
    expect((await failure(validate(response))).reason).toBe('expired');
  });

  it('refuses an assertion that is not valid yet beyond the clock skew, and accepts one within it', async () => {
    const issuedAt = new Date('2030-01-01T12:00:00.000Z');
    const response = await respond({ issuedAt, lifetimeMs: 5 * 60_000 });
    const early = new Date(issuedAt.getTime() - 2 * 60_000);
    expect((await failure(validate(response, { now: early }))).reason).toBe('not_yet_valid');
    const slightlyEarly = new Date(issuedAt.getTime() - 30_000);
    expect((await validate(response, { now: slightlyEarly })).email).toBe('ada@example.com');
    const slightlyLate = new Date(issuedAt.getTime() + 5 * 60_000 + 30_000);
    expect((await validate(response, { now: slightlyLate })).email).toBe('ada@example.com');
    expect((await failure(validate(response, { now: slightlyLate, clockSkewMs: 0 }))).reason).toBe('expired');
  });

  it('refuses the same assertion the second time', async () => {
    const response = await respond();
    const store = claimStore();
    const opts = { expectedRequestId: REQUEST_ID, claimAssertionOnce: store.claimAssertionOnce };
    await validateSamlResponse(config, sp, { SAMLResponse: response }, opts);
    const second = await failure(validateSamlResponse(config, sp, { SAMLResponse: response }, opts));
    expect(second.reason).toBe('replayed');
  });

  it('refuses an assertion meant for another service provider', async () => {
    const response = await respond({ audience: 'https://other-app.test/saml/metadata' });
    expect((await failure(validate(response))).reason).toBe('wrong_audience');
  });

  it('refuses an assertion addressed to another ACS URL', async () => {
    const otherAcs = samlServiceProvider(APP_URL, 'another-connection').acsUrl;
    expect((await failure(validate(await respond({ recipient: otherAcs })))).reason).toBe('wrong_audience');
    expect((await failure(validate(await respond({ destination: otherAcs })))).reason).toBe('wrong_audience');
  });

  it('refuses an assertion from another issuer, even when signed with the configured key', async () => {
    const response = await respond({ issuer: 'https://evil-idp.test/metadata' });
    expect((await failure(validate(response))).reason).toBe('wrong_issuer');
  });

  it('refuses a response that answers another request, or no request (IdP-initiated)', async () => {
    const other = await respond({ inResponseTo: '_another-request', subjectInResponseTo: '_another-request' });
    expect((await failure(validate(other))).reason).toBe('unsolicited');
    // The Response envelope is not covered by an assertion signature, so the signed SubjectConfirmationData decides.
    const forgedEnvelope = await respond({ inResponseTo: REQUEST_ID, subjectInResponseTo: '_another-request' });
    expect((await failure(validate(forgedEnvelope))).reason).toBe('unsolicited');
    const idpInitiated = await respond({ inResponseTo: '', subjectInResponseTo: '' });
    expect((await failure(validate(idpInitiated))).reason).toBe('unsolicited');
    expect((await failure(validate(await respond(), { expectedRequestId: '' }))).reason).toBe('unsolicited');
  });

  it('refuses an assertion without an email address', async () => {
    const response = await respond({
      nameId: 'opaque-2',
      nameIdFormat: NAMEID_PERSISTENT,
      attributes: { firstName: ['No'], email: ['not-an-email'] },
    });
    const refused = await failure(validate(response));
    expect(refused.reason).toBe('missing_email');
    expect(refused.message).toMatch(/no email address/);
  });

  it('reports an IdP error status with its message', async () => {
    const denied =
      '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ' +
      `ID="_e1" Version="2.0" IssueInstant="${new Date().toISOString()}" InResponseTo="${REQUEST_ID}">` +
      `<saml:Issuer>${IDP_ENTITY}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">` +
      '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied"/></samlp:StatusCode>' +
      '<samlp:StatusMessage>The user is not assigned to this application</samlp:StatusMessage></samlp:Status></samlp:Response>';
    expect(await failure(validate(encodeBase64Xml(denied)))).toEqual({
      reason: 'malformed',
      status: 401,
      message: 'The identity provider did not sign you in: The user is not assigned to this application (RequestDenied)',
    });
  });

  it('refuses malformed input: not base64, not XML, a DOCTYPE, not a Response, oversized', async () => {
    expect((await failure(validate('%%% not base64 %%%'))).reason).toBe('malformed');
    expect((await failure(validate(''))).reason).toBe('malformed');
    expect((await failure(validate(encodeBase64Xml('hello, world')))).reason).toBe('malformed');
    expect((await failure(validate(encodeBase64Xml('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">')))).reason).toBe('malformed');
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' +
      '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&x;</samlp:Response>';
    expect(await failure(validate(encodeBase64Xml(xxe)))).toMatchObject({ reason: 'malformed', message: expect.stringMatching(/DOCTYPE/) });
    const request = '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1"/>';
    expect((await failure(validate(encodeBase64Xml(request)))).reason).toBe('malformed');
    expect((await failure(validate('A'.repeat(MAX_SAML_RESPONSE_CHARS + 4)))).reason).toBe('malformed');
  });
});

describe('parseSamlIdpMetadata', () => {
  it('reads the entity id, the redirect SSO URL and the signing certificate', () => {
    const parsed = parseSamlIdpMetadata(testIdp.metadata);
    expect(parsed.idpEntityId).toBe(IDP_ENTITY);
    expect(parsed.idpSsoUrl).toBe(IDP_SSO);
    expect(parsed.idpCertificates).toHaveLength(1);
    const bare = (s: string) => s.replace(/-----[A-Z ]+-----|\s/g, '');
    expect(bare(parsed.idpCertificates[0] ?? '')).toBe(bare(keys.cert));
  });

  const metadata = (descriptor: string) =>
    '<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ' +
    `xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com/abc"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${descriptor}</md:IDPSSODescriptor></md:EntityDescriptor>`;
  const keyDescriptor = (use: string | null, cert: string) =>
    `<md:KeyDescriptor${use ? ` use="${use}"` : ''}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
  const postOnly = '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso/post"/>';
  const bareCert = () => keys.cert.replace(/-----[A-Z ]+-----|\s/g, '');

  it('accepts a key without a use, skips encryption keys, and falls back to the HTTP-POST SSO URL', () => {
    const parsed = parseSamlIdpMetadata(metadata(keyDescriptor('encryption', otherKeys.cert.replace(/-----[A-Z ]+-----|\s/g, '')) + keyDescriptor(null, bareCert()) + postOnly));
    expect(parsed.idpSsoUrl).toBe('https://idp.example.com/sso/post');
    expect(parsed.idpCertificates).toEqual([samlIdpConfigSchema.parse({ idpEntityId: 'x', idpSsoUrl: IDP_SSO, idpCertificates: [keys.cert] }).idpCertificates[0]]);
  });

  it('explains what is missing or refused', () => {
    const refused = (xml: string, opts?: { allowInsecure?: boolean }) => {
      try {
        parseSamlIdpMetadata(xml, opts);
      } catch (error) {
        if (error instanceof AppError) return { code: error.code, message: error.message };
        throw error;
      }
      throw new Error('expected the metadata to be refused');
    };
    expect(refused(metadata(postOnly))).toEqual({ code: 'validation_failed', message: 'The metadata has no signing certificate' });
    expect(refused(metadata(keyDescriptor('encryption', bareCert()) + postOnly)).message).toBe('The metadata has no signing certificate');
    expect(refused(metadata(keyDescriptor('signing', bareCert()))).message).toMatch(/no single sign-on URL/);
    expect(refused(metadata(keyDescriptor('signing', 'bm90IGEgY2VydA==') + postOnly)).message).toMatch(/Not an X.509 certificate/);
    const doctype = `<!DOCTYPE md [<!ENTITY x SYSTEM "file:///etc/passwd">]>${metadata(keyDescriptor('signing', bareCert()) + postOnly).replace('<?xml version="1.0"?>', '')}`;
    expect(refused(doctype).message).toMatch(/DOCTYPE/);
    expect(refused('<html><body>Sign in</body></html>').message).toMatch(/no EntityDescriptor/);
    expect(refused('not xml at all <').message).toMatch(/not well-formed XML|no EntityDescriptor/);
    expect(refused('<a>'.repeat(200_000)).message).toMatch(/too large/);
    const insecure = metadata(keyDescriptor('signing', bareCert()) + postOnly.replace('https://', 'http://'));
    expect(refused(insecure).message).toMatch(/https/);
    expect(parseSamlIdpMetadata(insecure, { allowInsecure: true }).idpSsoUrl).toBe('http://idp.example.com/sso/post');
  });
});

describe('samlIdpConfigSchema', () => {
  it('normalises PEM and bare base64 certificates to the same PEM and refuses garbage', () => {
    const pem = samlIdpConfigSchema.parse({ idpEntityId: 'e', idpSsoUrl: IDP_SSO, idpCertificates: [keys.cert] });
    const bare = samlIdpConfigSchema.parse({
      idpEntityId: 'e',
      idpSsoUrl: IDP_SSO,
      idpCertificates: [keys.cert.replace(/-----[A-Z ]+-----/g, '').replace(/\n/g, ' ')],
    });
    expect(bare.idpCertificates).toEqual(pem.idpCertificates);
    expect(pem.idpCertificates[0]).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----$/);
    expect(samlIdpConfigSchema.safeParse({ idpEntityId: 'e', idpSsoUrl: IDP_SSO, idpCertificates: ['hello'] }).success).toBe(false);
    expect(samlIdpConfigSchema.safeParse({ idpEntityId: 'e', idpSsoUrl: IDP_SSO, idpCertificates: [] }).success).toBe(false);
    expect(samlIdpConfigSchema.safeParse({ idpEntityId: 'e', idpSsoUrl: 'http://idp.test/sso', idpCertificates: [keys.cert] }).success).toBe(false);
    expect(samlIdpConfigSchemaWith({ allowInsecure: true }).safeParse({ idpEntityId: 'e', idpSsoUrl: 'http://idp.test/sso', idpCertificates: [keys.cert] }).success).toBe(true);
  });
});

describe('SP-initiated round trip', () => {
  it('sends an AuthnRequest the IdP accepts (schema-validated) and signs in with its answer', async () => {
    const { url, requestId } = await createSamlLoginRedirect(config, sp, 'state-123');
    const parsedUrl = new URL(url);
    expect(`${parsedUrl.origin}${parsedUrl.pathname}`).toBe(IDP_SSO);
    expect(parsedUrl.searchParams.get('RelayState')).toBe('state-123');
    const samlRequest = parsedUrl.searchParams.get('SAMLRequest') ?? '';
    const requestXml = inflateRawSync(Buffer.from(samlRequest, 'base64')).toString('utf8');
    expect(requestXml).toContain(`ID="${requestId}"`);
    expect(requestXml).not.toContain('RequestedAuthnContext');

    const query = Object.fromEntries(parsedUrl.searchParams);
    const parsed = await testIdp.idp.parseLoginRequest(spForIdp, 'redirect', { query });
    const request = parsed.extract.request;
    expect(request?.id).toBe(requestId);
    expect(parsed.extract.issuer).toBe(sp.entityId);
    expect(request?.assertionConsumerServiceUrl).toBe(sp.acsUrl);

    const answer = await testIdp.respond(spForIdp, { requestId: String(request?.id), attributes: OKTA_ATTRIBUTES });
    const store = claimStore();
    const profile = await validateSamlResponse(config, sp, { SAMLResponse: answer }, {
      expectedRequestId: requestId,
      claimAssertionOnce: store.claimAssertionOnce,
    });
    expect(profile.email).toBe('ada@example.com');
    expect(store.claimed.size).toBe(1);
  });

  it('has an IdP that validates requests against the SAML schema (a request without an ID is refused)', async () => {
    const { url } = await createSamlLoginRedirect(config, sp, 'state-456');
    const query = Object.fromEntries(new URL(url).searchParams);
    const xml = inflateRawSync(Buffer.from(query.SAMLRequest ?? '', 'base64')).toString('utf8');
    const invalid = xml.replace(/ ID="[^"]+"/, '');
    expect(invalid).not.toBe(xml);
    const SAMLRequest = deflateRawSync(Buffer.from(invalid, 'utf8')).toString('base64');
    await expect(testIdp.idp.parseLoginRequest(spForIdp, 'redirect', { query: { ...query, SAMLRequest } })).rejects.toBeDefined();
  });

  it('publishes SP metadata the IdP reads back as our entity id and ACS URL', () => {
    expect(sp).toEqual({
      entityId: 'https://reflex.test/api/sso/saml/0b8f6c3e-1d7a-4a43-9d1e-7c4b2f0a9e51/metadata',
      acsUrl: 'https://reflex.test/api/sso/saml/0b8f6c3e-1d7a-4a43-9d1e-7c4b2f0a9e51/acs',
    });
    const readBack = spFromMetadata(renderSamlSpMetadata(sp));
    expect(readBack.entityMeta.getEntityID()).toBe(sp.entityId);
    expect(readBack.entityMeta.getAssertionConsumerService('post')).toBe(sp.acsUrl);
    expect(readBack.entityMeta.isWantAssertionsSigned()).toBe(true);
  });
});
