import '../../documents/blob-dir';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as rolesRoute from '@/app/api/v1/roles/route';
import { functions } from '@/inngest';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { drainLocalRunner, listRuns, startLocalRunner, stopLocalRunner, waitForRun } from '@/inngest/local';
import { call, provision } from '../../helpers/http';
import { addMember } from '../../helpers/tenancy';
import { isolateRunnerDatabase } from '../../runner/harness';
import { CONTRACT, FOREIGN } from '../../search/corpus';
import { seedDocument, type SeededDocument } from '../../search/seed';
import { startSlackFake, type SlackFake } from '../../fakes/slack-fake';
import { APP_URL, clearSlackEnv, eventCallback, installSlack, linkSlackUser, newSlackUserId, postCommand, postEvent, useSlackEnv } from './helpers';

let release: () => Promise<void>;
let fake: SlackFake;
type Tenant = Awaited<ReturnType<typeof provision>>;
let a: Tenant;
let b: Tenant;
let contract: SeededDocument;
let foreign: SeededDocument;

beforeAll(async () => {
  release = await isolateRunnerDatabase();
  fake = await startSlackFake();
  useSlackEnv(fake);
  await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50, functions });
  [a, b] = [await provision(), await provision()];
  contract = await seedDocument(a.tenantId, CONTRACT);
  foreign = await seedDocument(b.tenantId, FOREIGN);
});

afterAll(async () => {
  await drainLocalRunner(60_000);
  await stopLocalRunner();
  await fake.close();
  clearSlackEnv();
  await release();
});

beforeEach(() => {
  fake.calls.length = 0;
  fake.responses.length = 0;
});

async function finishedAnswers(tenantId: string) {
  await drainLocalRunner(60_000);
  const runs = await listRuns({ functionId: 'answer-slack-question', eventData: { tenantId } });
  return Promise.all(runs.map((r) => waitForRun(r.id, 60_000)));
}

const ask = (install: { teamId: string }, slackUserId: string, text: string, responseId: string) =>
  postCommand({ team_id: install.teamId, user_id: slackUserId, channel_id: 'C0GENERAL', command: '/reflex', text, response_url: fake.responseUrl(responseId), trigger_id: '1.2.3' });

describe('/reflex ask', () => {
  it('acknowledges at once, then posts the answer with citations linking to the document in Reflex', async () => {
    const install = await installSlack(fake, a.tenantId);
    const slackUser = newSlackUserId();
    await linkSlackUser(a.tenantId, install.teamId, slackUser, a.owner.userId);
    const ack = await ask(install, slackUser, 'ask What termination notice does the Northwind agreement require?', 'answer1');
    expect(ack.status).toBe(200);
    expect(ack.body.response_type).toBe('ephemeral');
    expect(ack.body.text).toContain('Looking through your documents');
    // The acknowledgement is the whole HTTP answer: nothing was posted to Slack while the request was open.
    expect(fake.responses).toEqual([]);

    const [run] = await finishedAnswers(a.tenantId);
    expect(run?.output).toEqual({ outcome: 'answered' });
    expect(fake.responses).toHaveLength(1);
    const reply = fake.responses[0];
    expect(reply?.path).toBe('/response/answer1');
    expect(String(reply?.body.text)).toContain('ninety (90) days');
    const blocks = JSON.stringify(reply?.body.blocks);
    expect(blocks).toContain(`${APP_URL}/app/documents/${contract.documentId}`);
    expect(blocks).not.toContain(foreign.documentId);
  });

  it('answers a member whose role lacks documents:read with a refusal, not with document content', async () => {
    const install = await installSlack(fake, a.tenantId);
    const role = await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', body: { name: `Tasks only ${install.teamId}`, permissions: ['tasks:read'] }, as: { apiKey: a.apiKey } });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    const member = await addMember({ apiKey: a.apiKey }, a.tenantId, role.body.id);
    const slackUser = newSlackUserId();
    await linkSlackUser(a.tenantId, install.teamId, slackUser, member.userId);
    expect((await ask(install, slackUser, 'ask What termination notice does the Northwind agreement require?', 'refused')).status).toBe(200);
    const runs = await finishedAnswers(a.tenantId);
    expect(runs.map((r) => r.output)).toContainEqual({ outcome: 'refused' });
    const reply = fake.responses.find((r) => r.path === '/response/refused');
    expect(String(reply?.body.text)).toContain('does not let you read documents');
    expect(JSON.stringify(reply?.body)).not.toContain('ninety');
  });

  it('sends an unlinked Slack user a single-use link to connect their Reflex account', async () => {
    const install = await installSlack(fake, a.tenantId);
    await ask(install, newSlackUserId(), 'ask anything at all', 'unlinked');
    await finishedAnswers(a.tenantId);
    const reply = fake.responses.find((r) => r.path === '/response/unlinked');
    expect(reply?.body.response_type).toBe('ephemeral');
    expect(String(reply?.body.text)).toMatch(new RegExp(`^Link your Slack account.*${APP_URL}/app/integrations/slack/link\\?token=${a.tenantId}\\.`));
    expect(JSON.stringify(reply?.body)).not.toContain('ninety');
  });

  it('answers usage help for a command without a question', async () => {
    const install = await installSlack(fake, a.tenantId);
    const res = await ask(install, newSlackUserId(), 'help', 'help');
    expect(res.status).toBe(200);
    expect(res.body.text).toContain('/reflex ask');
  });
});

describe('@-mentions', () => {
  it('answers in the thread with chat.postMessage using the bot token', async () => {
    const install = await installSlack(fake, a.tenantId);
    const slackUser = newSlackUserId();
    await linkSlackUser(a.tenantId, install.teamId, slackUser, a.owner.userId);
    const res = await postEvent(
      eventCallback(install.teamId, { type: 'app_mention', user: slackUser, text: '<@UBOT> What termination notice does the Northwind agreement require?', channel: 'C0GENERAL', ts: '1700000001.000200', thread_ts: '1700000000.000100' }),
    );
    expect(res.status).toBe(200);
    await finishedAnswers(a.tenantId);
    const [post] = fake.postsTo('chat.postMessage');
    expect(post?.token).toBe(install.token);
    expect(post?.args.channel).toBe('C0GENERAL');
    expect(post?.args.thread_ts).toBe('1700000000.000100');
    expect(String(post?.args.text)).toContain('ninety (90) days');
  });

  it('tells an unlinked user privately (chat.postEphemeral in the thread) how to link, and posts nothing in the channel', async () => {
    const install = await installSlack(fake, a.tenantId);
    const slackUser = newSlackUserId();
    await postEvent(eventCallback(install.teamId, { type: 'app_mention', user: slackUser, text: '<@UBOT> Northwind?', channel: 'C0GENERAL', ts: '1700000004.000100' }));
    await finishedAnswers(a.tenantId);
    expect(fake.postsTo('chat.postMessage')).toEqual([]);
    const [ephemeral] = fake.postsTo('chat.postEphemeral');
    expect(ephemeral?.args).toMatchObject({ channel: 'C0GENERAL', user: slackUser, thread_ts: '1700000004.000100' });
    expect(String(ephemeral?.args.text)).toContain(`${APP_URL}/app/integrations/slack/link?token=`);
  });

  it('retries after Slack answers 429 with Retry-After, and posts once', async () => {
    const install = await installSlack(fake, a.tenantId);
    const slackUser = newSlackUserId();
    await linkSlackUser(a.tenantId, install.teamId, slackUser, a.owner.userId);
    fake.failNext.push({ method: 'chat.postMessage', status: 429, retryAfter: 1 });
    await postEvent(eventCallback(install.teamId, { type: 'app_mention', user: slackUser, text: '<@UBOT> Northwind termination notice?', channel: 'C0GENERAL', ts: '1700000002.000100' }));
    const runs = await finishedAnswers(a.tenantId);
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
    const posts = fake.postsTo('chat.postMessage');
    expect(posts).toHaveLength(2);
    expect(fake.failNext).toEqual([]);
  });

  it('gives up without retrying when the bot token was revoked', async () => {
    const install = await installSlack(fake, a.tenantId);
    const slackUser = newSlackUserId();
    await linkSlackUser(a.tenantId, install.teamId, slackUser, a.owner.userId);
    fake.revokedTokens.add(install.token);
    await postEvent(eventCallback(install.teamId, { type: 'app_mention', user: slackUser, text: '<@UBOT> Northwind?', channel: 'C0GENERAL', ts: '1700000003.000100' }));
    const runs = await finishedAnswers(a.tenantId);
    const failed = runs.filter((r) => r.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(fake.postsTo('chat.postMessage')).toHaveLength(1);
    // The framework marked the connection for a reconnect; the card says so.
    const [row] = await withTenant(a.tenantId, (tx) => queryRows<{ status: string }>(tx, sql`select status from integration_connections where id = ${install.connectionId}`));
    expect(row?.status).toBe('reauth_required');
  });
});

describe('cross-tenant', () => {
  it("org B's Slack install never answers from org A's documents", async () => {
    const installB = await installSlack(fake, b.tenantId);
    const slackUser = newSlackUserId();
    // A's owner is not a member of B: linking them in B's table means nothing to A's data.
    await linkSlackUser(b.tenantId, installB.teamId, slackUser, b.owner.userId);
    await ask(installB, slackUser, 'ask What termination notice does the Northwind agreement require?', 'crossB');
    await finishedAnswers(b.tenantId);
    const reply = fake.responses.find((r) => r.path === '/response/crossB');
    expect(JSON.stringify(reply?.body)).not.toContain(contract.documentId);
    expect(JSON.stringify(reply?.body)).not.toContain('ninety');
  });
});
