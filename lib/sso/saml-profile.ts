import { z } from 'zod';
import { AppError } from '@/lib/http/errors';
import { ssoProfileSchema, type SsoProfile } from '@/lib/sso/profile';
import { NAMEID_EMAIL, type SamlIdpConfig } from '@/lib/sso/saml-config';
import { SAML_ASSERTION_NS, attr, childElements, firstChild, textOf, type XmlElement } from '@/lib/sso/saml-xml';

// Attribute names the big IdPs use out of the box (compared case-insensitively). Azure's
// ".../claims/name" is deliberately absent from the name list: it carries the UPN, not a display name.
const EMAIL_ATTRIBUTES = [
  'email',
  'mail',
  'emailaddress',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  'urn:oid:0.9.2342.19200300.100.1.3',
  'user.email',
];
const NAME_ATTRIBUTES = [
  'name',
  'displayname',
  'display_name',
  'http://schemas.microsoft.com/identity/claims/displayname',
  'urn:oid:2.16.840.1.113730.3.1.241',
  'cn',
];
const GIVEN_NAME_ATTRIBUTES = [
  'firstname',
  'first_name',
  'givenname',
  'given_name',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  'urn:oid:2.5.4.42',
  'user.firstname',
];
const FAMILY_NAME_ATTRIBUTES = [
  'lastname',
  'last_name',
  'surname',
  'sn',
  'family_name',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  'urn:oid:2.5.4.4',
  'user.lastname',
];
const GROUP_ATTRIBUTES = [
  'groups',
  'group',
  'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
  'http://schemas.xmlsoap.org/claims/group',
  'memberof',
  'user.memberof',
];

const MAX_NAME = 200;
const MAX_GROUP = 256;
const MAX_GROUPS = 500;

function fail(reason: 'malformed' | 'missing_email', message: string): AppError {
  return new AppError('sso_failed', message, { details: { reason } });
}

// Attribute values keyed by lower-cased Name and FriendlyName.
function readAttributes(assertion: XmlElement): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const statement of childElements(assertion, SAML_ASSERTION_NS, 'AttributeStatement')) {
    for (const attribute of childElements(statement, SAML_ASSERTION_NS, 'Attribute')) {
      const found = childElements(attribute, SAML_ASSERTION_NS, 'AttributeValue')
        .map(textOf)
        .filter((v): v is string => v !== null);
      for (const key of [attr(attribute, 'Name'), attr(attribute, 'FriendlyName')]) {
        if (!key) continue;
        const k = key.toLowerCase();
        values.set(k, [...(values.get(k) ?? []), ...found]);
      }
    }
  }
  return values;
}

function pick(values: Map<string, string[]>, names: readonly string[]): string[] {
  for (const name of names) {
    const found = values.get(name.toLowerCase());
    if (found && found.length > 0) return found;
  }
  return [];
}

const emailSchema = z.email().max(320);

function readEmail(values: Map<string, string[]>, nameId: string | null, nameIdFormat: string | null, mapped?: string) {
  const candidates = mapped
    ? pick(values, [mapped])
    : [...(nameIdFormat === NAMEID_EMAIL && nameId ? [nameId] : []), ...pick(values, EMAIL_ATTRIBUTES)];
  for (const candidate of candidates) {
    const parsed = emailSchema.safeParse(candidate.trim().toLowerCase());
    if (parsed.success) return parsed.data;
  }
  return null;
}

function readName(values: Map<string, string[]>, mapped?: string): string | null {
  const display = pick(values, mapped ? [mapped] : NAME_ATTRIBUTES)[0];
  const full =
    display ??
    (mapped
      ? undefined
      : [pick(values, GIVEN_NAME_ATTRIBUTES)[0], pick(values, FAMILY_NAME_ATTRIBUTES)[0]].filter(Boolean).join(' '));
  const trimmed = full?.trim();
  return trimmed ? trimmed.slice(0, MAX_NAME) : null;
}

function readGroups(values: Map<string, string[]>, mapped?: string): string[] {
  const groups = pick(values, mapped ? [mapped] : GROUP_ATTRIBUTES).filter((g) => g.length <= MAX_GROUP);
  return [...new Set(groups)].slice(0, MAX_GROUPS);
}

// Builds the profile from an assertion whose signature, issuer, audience and times have already been checked.
export function readSamlProfile(assertion: XmlElement, idp: SamlIdpConfig): SsoProfile {
  const subject = firstChild(assertion, SAML_ASSERTION_NS, 'Subject');
  const nameIdEl = subject ? firstChild(subject, SAML_ASSERTION_NS, 'NameID') : null;
  const nameId = textOf(nameIdEl);
  if (!nameId) throw fail('malformed', 'The identity provider sent no NameID (encrypted NameIDs are not supported)');
  if (nameId.length > 512) throw fail('malformed', 'The NameID sent by the identity provider is too long');

  const values = readAttributes(assertion);
  const mapping = idp.attributeMapping ?? {};
  const email = readEmail(values, nameId, attr(nameIdEl, 'Format'), mapping.email);
  if (!email) {
    throw fail(
      'missing_email',
      mapping.email
        ? `The identity provider sent no email address in the "${mapping.email}" attribute`
        : 'The identity provider sent no email address (send an emailAddress NameID or an "email" attribute)',
    );
  }
  return ssoProfileSchema.parse({
    subject: nameId,
    email,
    // SAML has no email_verified claim. The address is trusted because the organization must have verified the
    // email's domain before its connection may sign anyone in (enforced by the SSO core, not here).
    emailVerified: true,
    name: readName(values, mapping.name),
    groups: readGroups(values, mapping.groups),
  });
}
