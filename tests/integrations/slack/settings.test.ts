import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as unlinkRoute from '@/app/api/v1/integrations/slack/links/[id]/route';
import * as linkRoute from '@/app/api/v1/integrations/slack/link/route';
import * as slackRoute from '@/app/api/v1/integrations/slack/route';
import * as eraseRoute from '@/app/api/v1/privacy/users/[id]/route';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import '@/lib/integrations/slack/config';
import { createLinkToken, findLinkedMember, LINK_TOKEN_TTL_MS } from '@/lib/integrations/slack/links';
import { call, provision, signIn } from '../../helpers/http';
import { addMember } from '../../helpers/tenancy';
import { returnToCallback, startConnect, type Browser } from '../fake-provider';
import { startSlackFake, type SlackFake } from '../../fakes/slack-fake';
import { clearSlackEnv, installSlack, linkSlackUser, newSlackUserId, newTeamId, useSlackEnv } from './helpers';

let fake: SlackFake;
type Tenant = Awaited<ReturnType<typeof provision>>;
let a: Tenant;
let b: Tenant;
let ownerA: Browser;
let ownerB: Browser;
let installA: Awaited<ReturnType<typeof installSlack>>;

beforeAll(async () => {
  fake = await startSlackFake();
  useSlackEnv(fake);
  [a, b] = [await provision(), await provision()];
  ownerA = { cookie: (await signIn(a.ownerEmail)).cookie, tenantId: a.tenantId };
  ownerB = { cookie: (await signIn(b.ownerEmail)).cookie, tenantId: b.tenantId };
  installA = await installSlack(fake, a.tenantId);
});

afterAll(async () => {
  await fake.close();
  clearSlackEnv();
});

describe('installing Slack through the OAuth callback', () => {
  it('asks Slack for the bot scopes (comma-separated) and stores the workspace from oauth.v2.access', async () => {
    const t = await provision();
    const as = { cookie: (await signIn(t.ownerEmail)).cookie, tenantId: t.tenantId };
    const started = await startConnect(as, 'slack');
    expect(started.status).toBe(302);
    const authorize = new URL(started.location ?? '');
    expect(`${authorize.origin}${authorize.pathname}`).toBe('https://slack.com/oauth/v2/authorize');
    expect(authorize.searchParams.get('scope')).toBe('commands,chat:write,app_mentions:read,channels:history,files:read,users:read,users:read.email');
    // What Slack does after consent: back to our callback with a code and the state.
    const teamId = newTeamId();
    fake.installs.set('code-1', { team: { id: teamId, name: 'Acme HQ' }, token: 'xoxb-installed-1' });
    const back = new URL(authorize.searchParams.get('redirect_uri') ?? '');
    back.searchParams.set('code', 'code-1');
    back.searchParams.set('state', authorize.searchParams.get('state') ?? '');
    const done = await returnToCallback(as, back, started.stateCookie, 'slack');
    expect(done.error).toBeNull();
    expect(done.connected).toBe('slack');
    const exchange = fake.calls.find((c) => c.method === 'oauth.v2.access');
    expect(exchange?.args).toMatchObject({ code: 'code-1', client_id: 'client-id', client_secret: 'client-secret' });
    const rows = await withTenant(t.tenantId, (tx) => queryRows<{ external_account_id: string; external_account_name: string }>(tx, sql`select external_account_id, external_account_name from integration_connections`));
    expect(rows).toEqual([{ external_account_id: teamId, external_account_name: 'Acme HQ' }]);
  });
});

describe('GET/PATCH /api/v1/integrations/slack', () => {
  it("shows the workspace's channels and the saved choices; PATCH saves them", async () => {
    const got = await call(slackRoute.GET, { path: '/api/v1/integrations/slack', as: ownerA });
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    expect(got.body.channels).toEqual([
      { id: 'C0FILES', name: 'files' },
      { id: 'C0TASKS', name: 'tasks' },
    ]);
    expect(got.body.settings).toEqual({ fileChannels: [], notifyChannel: null });
    const patched = await call(slackRoute.PATCH, { method: 'PATCH', path: '/api/v1/integrations/slack', body: { fileChannels: ['C0FILES'], notifyChannel: 'C0TASKS' }, as: ownerA });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ fileChannels: ['C0FILES'], notifyChannel: 'C0TASKS' });
    expect((await call(slackRoute.GET, { path: '/api/v1/integrations/slack', as: ownerA })).body.settings).toEqual({ fileChannels: ['C0FILES'], notifyChannel: 'C0TASKS' });
  });

  it('refuses invalid channel ids with 422 and members without settings:manage with 403', async () => {
    const bad = await call(slackRoute.PATCH, { method: 'PATCH', path: '/api/v1/integrations/slack', body: { fileChannels: ['not a channel'] }, as: ownerA });
    expect(bad.status).toBe(422);
    const member = await addMember({ apiKey: a.apiKey }, a.tenantId, 'member');
    expect((await call(slackRoute.GET, { path: '/api/v1/integrations/slack', as: member.as })).status).toBe(403);
  });

  it('answers 404 for an organization without Slack, and shows org B nothing of org A', async () => {
    const got = await call(slackRoute.GET, { path: '/api/v1/integrations/slack', as: ownerB });
    expect(got.status).toBe(404);
    const patched = await call(slackRoute.PATCH, { method: 'PATCH', path: '/api/v1/integrations/slack', body: { notifyChannel: 'C0TASKS' }, as: ownerB });
    expect(patched.status).toBe(404);
  });

  it('lists linked members; unlinking works in the own organization and is a 404 from another', async () => {
    const slackUser = newSlackUserId();
    await linkSlackUser(a.tenantId, installA.teamId, slackUser, a.owner.userId);
    const got = await call(slackRoute.GET, { path: '/api/v1/integrations/slack', as: ownerA });
    const link = got.body.linkedMembers.find((l: { slackUserId: string }) => l.slackUserId === slackUser);
    expect(link.member).toMatchObject({ id: a.owner.userId, email: a.ownerEmail });
    const fromB = await call(unlinkRoute.DELETE, { method: 'DELETE', path: `/api/v1/integrations/slack/links/${link.id}`, params: { id: link.id }, as: ownerB });
    expect(fromB.status).toBe(404);
    const missing = crypto.randomUUID();
    expect((await call(unlinkRoute.DELETE, { method: 'DELETE', path: `/api/v1/integrations/slack/links/${missing}`, params: { id: missing }, as: ownerB })).status).toBe(404);
    const own = await call(unlinkRoute.DELETE, { method: 'DELETE', path: `/api/v1/integrations/slack/links/${link.id}`, params: { id: link.id }, as: ownerA });
    expect(own.status).toBe(204);
    expect(await withTenant(a.tenantId, (tx) => findLinkedMember(tx, installA.teamId, slackUser))).toBeNull();
  });
});

describe('POST /api/v1/integrations/slack/link', () => {
  const tokenFor = (tenantId: string, teamId: string, slackUserId: string, now?: Date) => withTenant(tenantId, (tx) => createLinkToken(tx, tenantId, teamId, slackUserId, now));
  const redeem = (as: Browser | { apiKey: string }, token: string) => call(linkRoute.POST, { method: 'POST', path: '/api/v1/integrations/slack/link', body: { token }, as });

  it('binds the Slack user to the signed-in member once; the token cannot be used again', async () => {
    const member = await addMember({ apiKey: a.apiKey }, a.tenantId, 'member');
    const slackUser = newSlackUserId();
    const token = await tokenFor(a.tenantId, installA.teamId, slackUser);
    const res = await redeem(member.as, token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.slackUserId).toBe(slackUser);
    expect(await withTenant(a.tenantId, (tx) => findLinkedMember(tx, installA.teamId, slackUser))).toBe(member.userId);
    expect((await redeem(ownerA, token)).status).toBe(410);
    expect(await withTenant(a.tenantId, (tx) => findLinkedMember(tx, installA.teamId, slackUser))).toBe(member.userId);
  });

  it('refuses an expired token, an API key, and a member of another organization', async () => {
    const expired = await tokenFor(a.tenantId, installA.teamId, newSlackUserId(), new Date(Date.now() - LINK_TOKEN_TTL_MS - 1000));
    expect((await redeem(ownerA, expired)).status).toBe(410);
    const fresh = await tokenFor(a.tenantId, installA.teamId, newSlackUserId());
    expect((await redeem({ apiKey: a.apiKey }, fresh)).status).toBe(403);
    // B's owner presents A's token while working in B: it names another organization, so it is "expired".
    expect((await redeem(ownerB, fresh)).status).toBe(410);
    // …and asking to work in A is refused by the access check, exactly like an organization that does not exist.
    expect((await redeem({ cookie: ownerB.cookie, tenantId: a.tenantId }, fresh)).status).toBe(404);
    // The token is still unused: A's owner can redeem it.
    expect((await redeem(ownerA, fresh)).status).toBe(200);
  });
});

describe('privacy', () => {
  it("erasing a member removes their Slack link, so Slack stops answering as them", async () => {
    const member = await addMember({ apiKey: a.apiKey }, a.tenantId, 'member');
    const slackUser = newSlackUserId();
    await linkSlackUser(a.tenantId, installA.teamId, slackUser, member.userId);
    const erased = await call(eraseRoute.DELETE, { method: 'DELETE', path: `/api/v1/privacy/users/${member.membershipId}`, params: { id: member.membershipId }, as: ownerA });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(await withTenant(a.tenantId, (tx) => findLinkedMember(tx, installA.teamId, slackUser))).toBeNull();
  });
});
