// An in-process SAML identity provider for tests: samlify 2.x acting as the IdP, signing real assertions with a
// key and self-signed certificate generated at test time (nothing secret is committed).
import * as xmllint from '@authenio/samlify-node-xmllint';
import * as samlify from 'samlify';
import { generate } from 'selfsigned';

// samlify refuses to parse anything until a schema validator is set. This one runs libxml2's xmllint (compiled to
// WebAssembly, no Java or native build) against the SAML 2.0 XSDs, so an AuthnRequest the IdP accepts is valid
// per the schema, not merely well-formed. @authenio/samlify-xsd-schema-validator would need a JVM.
samlify.setSchemaValidator(xmllint);

export type TestKeyPair = { key: string; cert: string };

export async function generateSigningKey(commonName = 'Test IdP'): Promise<TestKeyPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], { keySize: 2048, algorithm: 'sha256' });
  return { key: pems.private, cert: pems.cert };
}

const NS = 'xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"';
const RESPONSE_TEMPLATE =
  `<samlp:Response ${NS} ID="{ID}" Version="2.0" IssueInstant="{IssueInstant}" Destination="{Destination}" InResponseTo="{InResponseTo}">` +
  '<saml:Issuer>{ResponseIssuer}</saml:Issuer>' +
  '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>' +
  '<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="{AssertionID}" Version="2.0" IssueInstant="{IssueInstant}">' +
  '<saml:Issuer>{Issuer}</saml:Issuer>' +
  '<saml:Subject><saml:NameID Format="{NameIDFormat}">{NameID}</saml:NameID>' +
  '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">' +
  '<saml:SubjectConfirmationData NotOnOrAfter="{SubjectNotOnOrAfter}" Recipient="{Recipient}" InResponseTo="{SubjectInResponseTo}"/>' +
  '</saml:SubjectConfirmation></saml:Subject>' +
  '<saml:Conditions NotBefore="{NotBefore}" NotOnOrAfter="{NotOnOrAfter}"><saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>' +
  '<saml:AuthnStatement AuthnInstant="{IssueInstant}" SessionIndex="{AssertionID}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>' +
  '{Attributes}</saml:Assertion></samlp:Response>';

const escapeXml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const NAMEID_EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
export const NAMEID_PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';

export type TestAssertion = {
  requestId: string;
  issuer?: string;
  responseIssuer?: string;
  audience?: string;
  recipient?: string;
  destination?: string;
  inResponseTo?: string;
  subjectInResponseTo?: string;
  nameId?: string;
  nameIdFormat?: string;
  attributes?: Record<string, string[]>;
  issuedAt?: Date;
  lifetimeMs?: number;
  assertionId?: string;
};

export type TestIdp = {
  entityId: string;
  ssoUrl: string;
  cert: string;
  idp: samlify.IdentityProviderInstance;
  metadata: string;
  respond: (sp: samlify.ServiceProviderInstance, assertion: TestAssertion) => Promise<string>;
};

export function createTestIdp(opts: { entityId: string; ssoUrl: string; keys: TestKeyPair }): TestIdp {
  const idp = samlify.IdentityProvider({
    entityID: opts.entityId,
    privateKey: opts.keys.key,
    signingCert: opts.keys.cert,
    nameIDFormat: [NAMEID_EMAIL],
    singleSignOnService: [
      { Binding: samlify.Constants.namespace.binding.redirect, Location: opts.ssoUrl },
      { Binding: samlify.Constants.namespace.binding.post, Location: opts.ssoUrl },
    ],
    singleLogoutService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: `${opts.ssoUrl}/logout` }],
    loginResponseTemplate: { context: RESPONSE_TEMPLATE, attributes: [] },
  });

  async function respond(sp: samlify.ServiceProviderInstance, a: TestAssertion): Promise<string> {
    const issued = a.issuedAt ?? new Date();
    const expires = new Date(issued.getTime() + (a.lifetimeMs ?? 5 * 60_000));
    const acsUrl = String(sp.entityMeta.getAssertionConsumerService('post'));
    const attributes = Object.entries(a.attributes ?? {})
      .map(
        ([name, values]) =>
          `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified">` +
          values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(v)}</saml:AttributeValue>`).join('') +
          '</saml:Attribute>',
      )
      .join('');
    const values: Record<string, string> = {
      ID: `_${crypto.randomUUID()}`,
      AssertionID: a.assertionId ?? `_${crypto.randomUUID()}`,
      IssueInstant: issued.toISOString(),
      Destination: a.destination ?? acsUrl,
      InResponseTo: a.inResponseTo ?? a.requestId,
      SubjectInResponseTo: a.subjectInResponseTo ?? a.requestId,
      ResponseIssuer: a.responseIssuer ?? a.issuer ?? opts.entityId,
      Issuer: a.issuer ?? opts.entityId,
      NameIDFormat: a.nameIdFormat ?? NAMEID_EMAIL,
      NameID: a.nameId ?? 'ada@example.com',
      SubjectNotOnOrAfter: expires.toISOString(),
      Recipient: a.recipient ?? acsUrl,
      NotBefore: issued.toISOString(),
      NotOnOrAfter: expires.toISOString(),
      Audience: a.audience ?? sp.entityMeta.getEntityID(),
    };
    const result = await idp.createLoginResponse(
      sp,
      { extract: { request: { id: a.requestId } } },
      'post',
      {},
      {
        customTagReplacement: (template: string) => ({
          id: values.ID ?? '',
          context: template
            .replace(/\{(\w+)\}/g, (whole, tag: string) => {
              const value = values[tag];
              return value === undefined ? whole : escapeXml(value);
            })
            .replace('{Attributes}', attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : ''),
        }),
      },
    );
    return result.context;
  }

  return { entityId: opts.entityId, ssoUrl: opts.ssoUrl, cert: opts.keys.cert, idp, metadata: idp.getMetadata(), respond };
}

// The service provider as the IdP sees it, built from the metadata we publish.
export function spFromMetadata(metadata: string): samlify.ServiceProviderInstance {
  return samlify.ServiceProvider({ metadata });
}

export function decodeBase64Xml(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}

export function encodeBase64Xml(xml: string): string {
  return Buffer.from(xml, 'utf8').toString('base64');
}
