import { X509Certificate } from 'node:crypto';
import { generateServiceProviderMetadata } from '@node-saml/node-saml';
import { z } from 'zod';
import { AppError, validationError } from '@/lib/http/errors';
import {
  SAML_METADATA_NS,
  XMLDSIG_NS,
  attr,
  childElements,
  firstChild,
  isNamed,
  parseUntrustedXml,
  textOf,
  type XmlElement,
} from '@/lib/sso/saml-xml';

const HTTP_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const HTTP_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
export const NAMEID_EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

// IdP metadata documents are a few KB (Azure's, with two certificates, is ~20 KB). A federation aggregate of
// thousands of entities is not something an admin pastes for one organization.
export const MAX_METADATA_CHARS = 512 * 1024;

// Re-wraps a certificate as PEM whatever it came as (PEM, bare base64, base64 with line breaks), and refuses
// anything that is not an X.509 certificate, so a typo surfaces when the connection is saved, not at sign-in.
export function normalizeCertificate(input: string): string | null {
  const body = input
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
  if (!body || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return null;
  try {
    new X509Certificate(Buffer.from(body, 'base64'));
  } catch {
    return null;
  }
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----`;
}

const certificateSchema = z
  .string()
  .max(16_384)
  .transform((value, ctx) => {
    const pem = normalizeCertificate(value);
    if (!pem) {
      ctx.addIssue({ code: 'custom', message: 'Not an X.509 certificate (paste it as PEM or base64)' });
      return z.NEVER;
    }
    return pem;
  });

// Attribute names to read instead of the well-known ones (for IdPs configured with custom claim names).
const attributeNameSchema = z.string().trim().min(1).max(256);

// http:// identity providers are refused unless the caller passes allowInsecure (local test IdPs only).
export function samlIdpConfigSchemaWith(opts: { allowInsecure: boolean }) {
  return z.object({
    idpEntityId: z.string().trim().min(1).max(1024),
    idpSsoUrl: z
      .url()
      .max(2048)
      .refine((value) => {
        const protocol = new URL(value).protocol;
        return protocol === 'https:' || (opts.allowInsecure && protocol === 'http:');
      }, opts.allowInsecure ? 'Must be an http(s) URL' : 'Must be an https URL'),
    idpCertificates: z.array(certificateSchema).min(1).max(10),
    attributeMapping: z
      .object({
        email: attributeNameSchema.optional(),
        name: attributeNameSchema.optional(),
        groups: attributeNameSchema.optional(),
      })
      .optional(),
  });
}

export const samlIdpConfigSchema = samlIdpConfigSchemaWith({ allowInsecure: false });
export type SamlIdpConfig = z.output<typeof samlIdpConfigSchema>;

function invalidMetadata(message: string): AppError {
  return new AppError('validation_failed', message, { details: { field: 'metadata' } });
}

function signingCertificates(descriptor: XmlElement): string[] {
  const certs: string[] = [];
  for (const keyDescriptor of childElements(descriptor, SAML_METADATA_NS, 'KeyDescriptor')) {
    // No "use" means the key serves both purposes.
    const use = attr(keyDescriptor, 'use');
    if (use !== null && use !== 'signing') continue;
    const keyInfo = firstChild(keyDescriptor, XMLDSIG_NS, 'KeyInfo');
    for (const data of keyInfo ? childElements(keyInfo, XMLDSIG_NS, 'X509Data') : []) {
      for (const cert of childElements(data, XMLDSIG_NS, 'X509Certificate')) {
        const text = textOf(cert);
        if (text) certs.push(text);
      }
    }
  }
  return certs;
}

function findIdpEntity(root: XmlElement): { entity: XmlElement; descriptor: XmlElement } {
  const entities = isNamed(root, SAML_METADATA_NS, 'EntityDescriptor')
    ? [root]
    : isNamed(root, SAML_METADATA_NS, 'EntitiesDescriptor')
      ? childElements(root, SAML_METADATA_NS, 'EntityDescriptor')
      : null;
  if (!entities) throw invalidMetadata('This is not SAML metadata: it has no EntityDescriptor');
  const idps = entities.flatMap((entity) =>
    childElements(entity, SAML_METADATA_NS, 'IDPSSODescriptor').map((descriptor) => ({ entity, descriptor })),
  );
  const only = idps[0];
  if (!only) throw invalidMetadata('The metadata describes no identity provider (no IDPSSODescriptor)');
  if (idps.length > 1) throw invalidMetadata('The metadata describes several identity providers; paste the one for this organization');
  return only;
}

// Reads an IdP's metadata XML (what Okta, Azure AD, Google Workspace and OneLogin offer for download).
export function parseSamlIdpMetadata(xml: string, opts: { allowInsecure?: boolean } = {}): SamlIdpConfig {
  if (xml.length > MAX_METADATA_CHARS) throw invalidMetadata('The metadata is too large (over 512 KB)');
  const parsed = parseUntrustedXml(xml.replace(/^\uFEFF/, '').trim());
  if (!parsed.ok) {
    throw invalidMetadata(
      parsed.why === 'doctype'
        ? 'The metadata contains a DOCTYPE declaration, which is not allowed'
        : 'The metadata is not well-formed XML',
    );
  }
  const { entity, descriptor } = findIdpEntity(parsed.root);
  const idpEntityId = attr(entity, 'entityID');
  if (!idpEntityId) throw invalidMetadata('The metadata has no entityID');

  const services = childElements(descriptor, SAML_METADATA_NS, 'SingleSignOnService');
  // We send AuthnRequests with HTTP-Redirect; IdPs that list only HTTP-POST serve both on the same URL in practice.
  const sso =
    services.find((s) => attr(s, 'Binding') === HTTP_REDIRECT) ?? services.find((s) => attr(s, 'Binding') === HTTP_POST);
  const idpSsoUrl = attr(sso ?? null, 'Location');
  if (!idpSsoUrl) throw invalidMetadata('The metadata has no single sign-on URL (HTTP-Redirect or HTTP-POST)');

  const certs = signingCertificates(descriptor);
  if (certs.length === 0) throw invalidMetadata('The metadata has no signing certificate');
  const idpCertificates = [...new Set(certs)];

  const result = samlIdpConfigSchemaWith({ allowInsecure: opts.allowInsecure ?? false }).safeParse({
    idpEntityId,
    idpSsoUrl,
    idpCertificates,
  });
  if (!result.success) throw validationError(result.error, 'metadata');
  return result.data;
}

export type SamlServiceProvider = { entityId: string; acsUrl: string };

export function samlServiceProvider(appUrl: string, connectionId: string): SamlServiceProvider {
  const base = `${appUrl.replace(/\/+$/, '')}/api/sso/saml/${encodeURIComponent(connectionId)}`;
  return { entityId: `${base}/metadata`, acsUrl: `${base}/acs` };
}

// The SP metadata an admin uploads to the IdP. We do not sign AuthnRequests nor decrypt assertions, so the
// document carries no key; it asks for signed assertions and an email-address NameID.
export function renderSamlSpMetadata(sp: SamlServiceProvider): string {
  return generateServiceProviderMetadata({
    issuer: sp.entityId,
    callbackUrl: sp.acsUrl,
    identifierFormat: NAMEID_EMAIL,
    wantAssertionsSigned: true,
  });
}
