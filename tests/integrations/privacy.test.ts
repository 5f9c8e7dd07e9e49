import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as listRoute from '@/app/api/v1/integrations/route';
import { withTenant } from '@/lib/db/tenant';
import { eraseTenant } from '@/lib/privacy/erase-tenant';
import { readSectionLines, sectionsFor } from '@/lib/privacy/export-sections';
import { startOAuthFake, type OAuthFake } from '@/tests/fakes/oauth-fake';
import { ownerRows } from '../helpers/db';
import { call, provision, signIn } from '../helpers/http';
import { connectThroughFake, registerFakeProvider, type Browser } from './fake-provider';

// GDPR: an export lists the organization's connections (never a token); erasing the organization revokes its
// grants at the provider and removes the connections.

let fake: OAuthFake;
let as: Browser;
let ownerUserId: string;
let connectionId: string;

beforeAll(async () => {
  fake = await startOAuthFake();
  registerFakeProvider(fake);
  const t = await provision();
  ownerUserId = t.owner.userId;
  as = { cookie: (await signIn(t.ownerEmail)).cookie, tenantId: t.tenantId };
  expect((await connectThroughFake(as)).connected).toBe('asana');
  connectionId = (await call(listRoute.GET, { path: '/api/v1/integrations', as })).body.connections[0].id;
});

afterAll(async () => {
  await fake.close();
});

describe('GDPR', () => {
  it('exports connections, for the organization and for the person who connected them, without tokens', async () => {
    expect(sectionsFor('tenant')).toContain('integrations');
    expect(sectionsFor('me')).toContain('integrations');
    for (const scope of ['tenant', 'me'] as const) {
      const { lines, count } = await withTenant(as.tenantId, (tx) => readSectionLines(tx, 'integrations', { scope, userId: ownerUserId }));
      expect(count).toBe(1);
      const data = JSON.parse(lines[0] ?? '{}').data;
      expect(data).toMatchObject({ id: connectionId, provider: 'asana', externalAccountName: fake.account.name, connectedBy: ownerUserId });
      const text = lines.join('\n');
      for (const token of [...fake.liveAccessTokens(), ...fake.liveRefreshTokens()]) expect(text).not.toContain(token);
      expect(text).not.toMatch(/ciphertext|v1:/);
    }
  });

  it('erasing the organization revokes its grants at the provider and removes the connections', async () => {
    const [refresh] = fake.liveRefreshTokens();
    await eraseTenant(as.tenantId, 'test-request');
    expect(fake.revokedTokens()).toContain(refresh);
    expect(await ownerRows(sql`select 1 from integration_connections where tenant_id = ${as.tenantId}`)).toEqual([]);
    expect(await ownerRows(sql`select 1 from integration_oauth_states where tenant_id = ${as.tenantId}`)).toEqual([]);
  });
});
