import '../../documents/blob-dir';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as eventsRoute from '@/app/api/integrations/slack/events/route';
import { functions } from '@/inngest';
import { drainLocalRunner, listRuns, startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { MAX_SLACK_BODY_BYTES } from '@/lib/integrations/slack/inbound';
import { provision } from '../../helpers/http';
import { isolateRunnerDatabase } from '../../runner/harness';
import { startSlackFake, type SlackFake } from '../../fakes/slack-fake';
import { clearSlackEnv, eventCallback, installSlack, newSlackUserId, newTeamId, postCommand, postEvent, signedCall, useSlackEnv } from './helpers';

let release: () => Promise<void>;
let fake: SlackFake;

beforeAll(async () => {
  release = await isolateRunnerDatabase();
  fake = await startSlackFake();
  useSlackEnv(fake);
  await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50, functions });
});

afterAll(async () => {
  await drainLocalRunner(60_000);
  await stopLocalRunner();
  await fake.close();
  clearSlackEnv();
  await release();
});

const questionRuns = async (tenantId: string) => {
  await drainLocalRunner(60_000);
  return listRuns({ functionId: 'answer-slack-question', eventData: { tenantId } });
};

const deliveries = (tenantId: string) =>
  withTenant(tenantId, (tx) => queryRows<{ kind: string; key: string }>(tx, sql`select kind, key from slack_deliveries order by received_at`));

const mention = (user: string, text = '<@UBOT> what is the notice period?') => ({ type: 'app_mention', user, text, channel: 'C0GENERAL', ts: '1700000000.000100' });

describe('Slack request signatures', () => {
  it('answers url_verification with the challenge when the request is signed', async () => {
    const res = await postEvent({ token: 'x', challenge: 'ch4ll3nge', type: 'url_verification' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ challenge: 'ch4ll3nge' });
  });

  it('refuses a forged signature, a stale timestamp and a missing signature with 401, creating nothing', async () => {
    const t = await provision();
    const install = await installSlack(fake, t.tenantId);
    const body = eventCallback(install.teamId, mention(newSlackUserId()));
    expect((await postEvent(body, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await postEvent(body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    expect((await postEvent(body, { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 })).status).toBe(401);
    expect((await postEvent(body, { signature: 'v0=' })).status).toBe(401);
    expect((await postEvent({ type: 'url_verification', challenge: 'x' }, { secret: 'wrong' })).status).toBe(401);
    expect(await deliveries(t.tenantId)).toEqual([]);
    expect(await questionRuns(t.tenantId)).toEqual([]);
  });

  it('refuses a replayed request (same signature and body) with 401 and processes it once', async () => {
    const t = await provision();
    const install = await installSlack(fake, t.tenantId);
    const timestamp = Math.floor(Date.now() / 1000);
    const body = eventCallback(install.teamId, mention(newSlackUserId()));
    expect((await postEvent(body, { timestamp })).status).toBe(200);
    expect((await postEvent(body, { timestamp })).status).toBe(401);
    expect(await questionRuns(t.tenantId)).toHaveLength(1);
  });

  it('refuses a replayed slash command', async () => {
    const t = await provision();
    const install = await installSlack(fake, t.tenantId);
    const fields = { team_id: install.teamId, user_id: newSlackUserId(), channel_id: 'C0GENERAL', command: '/reflex', text: 'ask anything', response_url: fake.responseUrl('replay') };
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await postCommand(fields, { timestamp })).status).toBe(200);
    expect((await postCommand(fields, { timestamp })).status).toBe(401);
    expect(await questionRuns(t.tenantId)).toHaveLength(1);
  });
});

describe('Slack Events API input', () => {
  it('acknowledges an event for a workspace with no installation with 200 and does nothing', async () => {
    const res = await postEvent(eventCallback(newTeamId(), mention(newSlackUserId())));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });

  it('processes a retried delivery (same event_id, X-Slack-Retry-Num) once', async () => {
    const t = await provision();
    const install = await installSlack(fake, t.tenantId);
    const body = eventCallback(install.teamId, mention(newSlackUserId()), 'EvDUPLICATE1');
    expect((await postEvent(body)).status).toBe(200);
    const retry = await postEvent(body, { timestamp: Math.floor(Date.now() / 1000) + 1, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    expect(await questionRuns(t.tenantId)).toHaveLength(1);
    expect((await deliveries(t.tenantId)).filter((d) => d.kind === 'event')).toEqual([{ kind: 'event', key: 'EvDUPLICATE1' }]);
  });

  it('answers malformed and oversized payloads with 4xx, never 5xx', async () => {
    const t = await provision();
    const install = await installSlack(fake, t.tenantId);
    const notJson = await postEvent('{not json');
    // postEvent JSON-encodes: a string body is valid JSON but not an envelope.
    expect(notJson.status).toBe(422);
    expect((await signedCall(eventsRoute, '/api/integrations/slack/events', '{"type":', 'application/json')).status).toBe(400);
    const huge = JSON.stringify(eventCallback(install.teamId, { type: 'app_mention', user: 'U1', channel: 'C1', ts: '1', text: 'x'.repeat(MAX_SLACK_BODY_BYTES) }));
    expect((await signedCall(eventsRoute, '/api/integrations/slack/events', huge, 'application/json')).status).toBe(413);
    const badEvent = await postEvent(eventCallback(install.teamId, { type: 'app_mention', user: 42 }));
    expect(badEvent.status).toBe(200);
    const badCommand = await postCommand({ team_id: install.teamId });
    expect(badCommand.status).toBe(422);
    expect(await questionRuns(t.tenantId)).toEqual([]);
  });
});
