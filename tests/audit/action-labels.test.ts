import { beforeAll, describe, expect, it } from 'vitest';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as auditRoute from '@/app/api/v1/audit/route';
import * as membersRoute from '@/app/api/v1/members/route';
import * as rolesRoute from '@/app/api/v1/roles/route';
import { listOperations } from '@/lib/api';
import { AUDIT_ACTIONS, describeAuditAction } from '@/lib/audit/actions';
import { call, provision, signIn, signUp, uniqueEmail, type Identity } from '../helpers/http';
import { addMember } from '../helpers/tenancy';

// The audit log in words: every operation has a sentence, and entries name people and things instead of ids.

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('action labels', () => {
  it('cover every operation of the API', () => {
    const missing = listOperations()
      .map((op) => op.id)
      .filter((id) => !Object.hasOwn(AUDIT_ACTIONS, id));
    expect(missing, 'add these operation ids to lib/audit/actions.ts').toEqual([]);
  });

  it('read as sentences, for a refusal too, and never as camelCase', () => {
    expect(describeAuditAction('createApiKey')).toBe('Created an API key');
    expect(describeAuditAction('createApiKey', 'denied')).toBe('Tried to create an API key');
    expect(describeAuditAction('deleteRole', 'failure')).toBe('Failed to delete a role');
    expect(describeAuditAction('auth.signIn')).toBe('Signed in');
    expect(describeAuditAction('somethingNewLater')).toBe('Something new later');
    for (const op of listOperations()) {
      for (const outcome of ['success', 'denied', 'failure'] as const) expect(describeAuditAction(op.id, outcome)).not.toMatch(/[a-z][A-Z]/);
    }
  });
});

describe('GET /api/v1/audit display', () => {
  let owner: Identity;
  let ownerName: string;

  beforeAll(async () => {
    ownerName = 'Ada Lovelace';
    const email = uniqueEmail('ada');
    await signUp(email, 'correct horse battery', ownerName);
    const t = await provision(undefined, email);
    owner = { cookie: (await signIn(email)).cookie, tenantId: t.tenantId };
    expect((await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: 'CI deploy', scopes: ['members:read'] }, as: owner })).status).toBe(201);
    expect((await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', body: { name: 'Auditors', permissions: ['audit:read'] }, as: owner })).status).toBe(201);
    const member = await addMember({ apiKey: t.apiKey }, t.tenantId, 'viewer');
    const members = await call(membersRoute.GET, { path: '/api/v1/members', as: member.as });
    expect(members.status).toBe(200);
    // A refusal is in the log too.
    expect((await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', body: { name: 'Nope', permissions: ['audit:read'] }, as: member.as })).status).toBe(403);
  });

  it('names the actor, says the action in words and names the target', async () => {
    const res = await call(auditRoute.GET, { path: '/api/v1/audit?limit=100', as: owner });
    expect(res.status).toBe(200);
    const shown = res.body.items.map((e: { display: Record<string, string | null> }) => e.display);
    expect(shown).toContainEqual({ action: 'Created an API key', actor: ownerName, actorDetail: expect.stringContaining('@'), target: 'an API key “CI deploy”' });
    expect(shown).toContainEqual(expect.objectContaining({ action: 'Created a role', actor: ownerName, target: 'a role “Auditors”' }));
    expect(shown).toContainEqual(expect.objectContaining({ action: 'Tried to create a role', actor: 'Test User' }));
    for (const d of shown) {
      expect(d.action).not.toMatch(/[a-z][A-Z]/);
      expect(`${d.actor} ${d.target ?? ''}`).not.toMatch(UUID);
    }
  });
});
