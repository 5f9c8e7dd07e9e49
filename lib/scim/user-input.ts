import { z } from 'zod';
import type { ScimName } from '@/lib/db/schema';
import { invalidPath, invalidValue, mutability, noTarget } from './errors';
import { ENTERPRISE_USER_SCHEMA, isRecord, toBoolean, toOptionalText, toText, type PatchOperation, type PatchPath } from './patch';

// A SCIM User as Reflex keeps it: userName, externalId, active and the name parts, per organization. Reflex
// accounts are keyed by email, so an email is taken from the primary emails entry or from userName.

export interface UserState {
  userName: string;
  externalId: string | null;
  active: boolean;
  name: ScimName;
  /** Only used when a new account is created: an existing account's email is never changed through SCIM. */
  email: string | null;
}

// Attributes of the core User schema (RFC 7643 §4.1) and the enterprise extension that Reflex accepts but does not
// store (identity providers send them with their default mappings). Anything else is refused.
const IGNORED = new Set([
  'schemas', 'id', 'meta', 'nickname', 'profileurl', 'title', 'usertype', 'preferredlanguage', 'locale', 'timezone',
  'password', 'phonenumbers', 'ims', 'photos', 'addresses', 'groups', 'entitlements', 'roles', 'x509certificates',
  ENTERPRISE_USER_SCHEMA.toLowerCase(),
]);
const NAME_PARTS: Record<string, keyof ScimName> = { givenname: 'givenName', familyname: 'familyName', formatted: 'formatted' };
const IGNORED_NAME_PARTS = new Set(['middlename', 'honorificprefix', 'honorificsuffix']);

const emailSchema = z.email().max(254);

function emailOf(emails: unknown): string | null {
  if (emails === undefined || emails === null) return null;
  if (!Array.isArray(emails)) throw invalidValue('emails must be an array of {value, type, primary}');
  const entries = emails.filter(isRecord);
  const chosen = entries.find((e) => e.primary === true || e.primary === 'true' || e.primary === 'True') ?? entries[0];
  if (!chosen) return null;
  const parsed = emailSchema.safeParse(chosen.value);
  if (!parsed.success) throw invalidValue('emails[].value must be an email address');
  return parsed.data.toLowerCase();
}

function nameOf(value: unknown, into: ScimName = {}): ScimName {
  if (value === null || value === undefined) return {};
  if (!isRecord(value)) throw invalidValue('name must be an object (givenName, familyName, formatted)');
  const out: ScimName = { ...into };
  for (const [k, v] of Object.entries(value)) setNamePart(out, k.toLowerCase(), v);
  return out;
}

function setNamePart(name: ScimName, part: string, value: unknown): void {
  if (IGNORED_NAME_PARTS.has(part)) return;
  const key = NAME_PARTS[part];
  if (!key) throw invalidValue(`name.${part} is not an attribute of name`);
  const text = toOptionalText(value, `name.${part}`, 200);
  if (text === null) delete name[key];
  else name[key] = text;
}

/** POST and PUT bodies: the whole user. `previous` keeps `active` when a PUT leaves it out. */
export function parseUserBody(body: unknown, previous?: UserState): UserState {
  if (!isRecord(body)) throw invalidValue('The body must be a SCIM User object');
  const state: UserState = { userName: '', externalId: null, active: previous?.active ?? true, name: {}, email: null };
  let sawUserName = false;
  for (const [key, value] of Object.entries(body)) {
    const k = key.toLowerCase();
    if (k === 'username') {
      state.userName = toText(value, 'userName', 254);
      sawUserName = true;
    } else if (k === 'externalid') state.externalId = toOptionalText(value, 'externalId');
    else if (k === 'active') state.active = value === null ? true : toBoolean(value, 'active');
    else if (k === 'name') state.name = { ...nameOf(value), displayName: state.name.displayName };
    else if (k === 'displayname') setDisplayName(state, value);
    else if (k === 'emails') state.email = emailOf(value);
    else if (!IGNORED.has(k)) throw invalidValue(`"${key}" is not an attribute of the User schema`);
  }
  if (!sawUserName) throw invalidValue('userName is required');
  if (!state.email) {
    const fromUserName = emailSchema.safeParse(state.userName);
    state.email = fromUserName.success ? fromUserName.data.toLowerCase() : null;
  }
  return state;
}

function setDisplayName(state: UserState, value: unknown): void {
  const text = toOptionalText(value, 'displayName', 200);
  if (text === null) delete state.name.displayName;
  else state.name.displayName = text;
}

function applyAttribute(state: UserState, op: PatchOperation['op'], path: PatchPath, value: unknown): void {
  const remove = op === 'remove';
  switch (path.attr) {
    case 'active':
      if (remove) throw mutability('active cannot be removed; set it to true or false');
      state.active = toBoolean(value, 'active');
      return;
    case 'username':
      if (remove) throw mutability('userName is required and cannot be removed');
      state.userName = toText(value, 'userName', 254);
      return;
    case 'externalid':
      state.externalId = remove ? null : toOptionalText(value, 'externalId');
      return;
    case 'displayname':
      setDisplayName(state, remove ? null : value);
      return;
    case 'name':
      if (path.sub) setNamePart(state.name, path.sub, remove ? null : value);
      else state.name = { ...(remove ? {} : nameOf(value, op === 'add' ? state.name : {})), displayName: state.name.displayName };
      return;
    case 'emails':
      // The account's email is its sign-in identity, possibly in other organizations too: never changed by SCIM.
      return;
    default:
      if (IGNORED.has(path.attr)) return;
      throw invalidPath(`"${path.attr}" is not an attribute of the User schema`);
  }
}

export function applyUserPatch(current: UserState, operations: PatchOperation[]): UserState {
  const state: UserState = { ...current, name: { ...current.name } };
  for (const o of operations) {
    if (o.path) {
      if (o.op !== 'remove' && o.value === undefined) throw invalidValue(`The ${o.op} of ${o.path.attr} needs a value`);
      applyAttribute(state, o.op, o.path, o.value);
      continue;
    }
    if (o.op === 'remove') throw noTarget('A remove operation needs a path');
    if (!isRecord(o.value)) throw invalidValue(`An ${o.op} without a path needs an object of attributes as its value`);
    for (const [key, value] of Object.entries(o.value)) {
      // Azure AD sends dotted keys here ({"name.givenName": "Ada"}); Okta sends nested objects.
      const [attr = '', sub] = key.replace(/^urn:ietf:params:scim:schemas:core:2\.0:User:/i, '').toLowerCase().split('.', 2);
      if (key.toLowerCase().startsWith(ENTERPRISE_USER_SCHEMA.toLowerCase())) continue;
      applyAttribute(state, o.op, { attr, sub }, value);
    }
  }
  return state;
}
