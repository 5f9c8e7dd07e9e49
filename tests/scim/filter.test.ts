import { describe, expect, it } from 'vitest';
import { ScimError } from '@/lib/scim/errors';
import { parseFilter } from '@/lib/scim/filter';
import { parsePatch, parsePath } from '@/lib/scim/patch';

function refusal(fn: () => unknown): { status: number; scimType?: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScimError) return { status: err.status, scimType: err.scimType };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('SCIM filter parser', () => {
  it('parses the comparisons identity providers send', () => {
    expect(parseFilter('userName eq "ada@example.test"')).toEqual([{ attr: 'username', op: 'eq', value: 'ada@example.test' }]);
    expect(parseFilter('externalId eq "00u1" and active eq true')).toEqual([
      { attr: 'externalid', op: 'eq', value: '00u1' },
      { attr: 'active', op: 'eq', value: true },
    ]);
    expect(parseFilter('(displayName sw "Eng") AND displayName co "ineer"')).toEqual([
      { attr: 'displayname', op: 'sw', value: 'Eng' },
      { attr: 'displayname', op: 'co', value: 'ineer' },
    ]);
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName EQ "x"')).toEqual([{ attr: 'username', op: 'eq', value: 'x' }]);
    expect(parseFilter('userName eq "quote \\" and \\\\ backslash"')).toEqual([{ attr: 'username', op: 'eq', value: 'quote " and \\ backslash' }]);
    expect(parseFilter('emails.value eq "a@b.test"')).toEqual([{ attr: 'emails.value', op: 'eq', value: 'a@b.test' }]);
    expect(parseFilter('id eq "g1" and members[value eq "u1"]')).toEqual([
      { attr: 'id', op: 'eq', value: 'g1' },
      { attr: 'members.value', op: 'eq', value: 'u1' },
    ]);
  });

  it('refuses everything outside the supported subset with invalidFilter', () => {
    for (const bad of [
      'userName eq "a" or userName eq "b"',
      'not (userName eq "a")',
      'userName ne "a"',
      'userName gt "a"',
      'userName pr',
      'userName like "a"',
      'userName eq',
      'userName eq "unterminated',
      'userName eq bare',
      'emails[type eq "work"].value eq "a"',
      'members[value eq "a"',
      'members[value[x eq "a"]]',
      '(userName eq "a"',
      'userName eq "a")',
      'userName eq "a" and',
      '',
      'x'.repeat(1001),
      'userName eq "a" ; drop table users',
      'userName eq "nul \\u0000 inside"',
      'userName eq "lone \\ud800 surrogate"',
    ]) {
      expect(refusal(() => parseFilter(bad)), bad).toEqual({ status: 400, scimType: 'invalidFilter' });
    }
  });
});

describe('SCIM PATCH parsing', () => {
  it('accepts Azure AD casing and value-filter paths', () => {
    const ops = parsePatch({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect(ops).toEqual([{ op: 'replace', path: { attr: 'active', sub: undefined, filter: undefined }, value: 'False' }]);
    expect(parsePath('members[value eq "abc"]')).toEqual({ attr: 'members', sub: undefined, filter: [{ attr: 'value', op: 'eq', value: 'abc' }] });
    expect(parsePath('name.givenName')).toEqual({ attr: 'name', sub: 'givenname', filter: undefined });
    expect(parsePath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department')).toEqual({
      attr: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user',
      sub: 'department',
    });
  });

  it('refuses malformed bodies and paths', () => {
    expect(refusal(() => parsePatch({ Operations: [{ op: 'add', value: {} }] }))).toEqual({ status: 400, scimType: 'invalidSyntax' });
    expect(refusal(() => parsePatch({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'move', path: 'active' }] }))).toEqual({
      status: 400,
      scimType: 'invalidSyntax',
    });
    expect(refusal(() => parsePatch({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [] }))).toEqual({ status: 400, scimType: 'invalidSyntax' });
    expect(refusal(() => parsePath('members[value ne "x"]'))).toEqual({ status: 400, scimType: 'invalidPath' });
    expect(refusal(() => parsePath('bad path!'))).toEqual({ status: 400, scimType: 'invalidPath' });
  });
});
