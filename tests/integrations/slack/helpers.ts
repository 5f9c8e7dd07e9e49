import { randomUUID } from 'node:crypto';
import * as commandsRoute from '@/app/api/integrations/slack/commands/route';
import * as eventsRoute from '@/app/api/integrations/slack/events/route';
import * as interactionsRoute from '@/app/api/integrations/slack/interactions/route';
import { slackUserLinks } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { resetEnvForTests } from '@/lib/env';
import { updateConnectionSettings, type ConnectionRef } from '@/lib/integrations/connections';
import { saveConnection } from '@/lib/integrations/store';
import { signSlackBody } from '@/lib/integrations/slack/signature';
import { call } from '../../helpers/http';
import type { SlackFake } from '../../fakes/slack-fake';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const APP_URL = 'https://reflex.example.test';

export function useSlackEnv(fake: SlackFake): void {
  process.env.SLACK_SIGNING_SECRET = SIGNING_SECRET;
  process.env.SLACK_CLIENT_ID = 'client-id';
  process.env.SLACK_CLIENT_SECRET = 'client-secret';
  process.env.SLACK_API_BASE = fake.apiBase;
  process.env.APP_URL = APP_URL;
  resetEnvForTests();
}

export function clearSlackEnv(): void {
  for (const k of ['SLACK_SIGNING_SECRET', 'SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_API_BASE', 'APP_URL']) delete process.env[k];
  resetEnvForTests();
}

export const newTeamId = () => `T${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
export const newSlackUserId = () => `U${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;

// An installed workspace: the connection the framework's OAuth callback stores (tests/integrations/slack/install
// .test.ts goes through the callback itself), with a bot token the fake accepts.
export async function installSlack(fake: SlackFake, tenantId: string, teamId = newTeamId()): Promise<ConnectionRef & { teamId: string; token: string }> {
  const token = `xoxb-${randomUUID()}`;
  fake.validTokens.add(token);
  const saved = await withTenant(tenantId, (tx) =>
    saveConnection(tx, {
      tenantId,
      provider: 'slack',
      tokens: { accessToken: token, refreshToken: null, expiresInSeconds: null, scope: 'commands,chat:write', externalAccountId: teamId, externalAccountName: `Workspace ${teamId}` },
      connectedBy: null,
    }),
  );
  return { tenantId, connectionId: saved.id, teamId, token };
}

export async function configureSlack(ref: ConnectionRef, settings: { fileChannels?: string[]; notifyChannel?: string | null }): Promise<void> {
  await withTenant(ref.tenantId, (tx) => updateConnectionSettings(tx, ref.connectionId, settings));
}

export async function linkSlackUser(tenantId: string, teamId: string, slackUserId: string, userId: string): Promise<void> {
  await withTenant(tenantId, async (tx) => {
    await tx.insert(slackUserLinks).values({ tenantId, teamId, slackUserId, userId });
  });
}

type Route = { POST: (req: Request) => Promise<Response> };

export interface SignOptions {
  timestamp?: number;
  secret?: string;
  signature?: string;
  headers?: Record<string, string>;
}

// A request as Slack sends it: the raw body, X-Slack-Request-Timestamp and the v0 signature over both.
export function signedCall(route: Route, path: string, rawBody: string, contentType: string, opts: SignOptions = {}) {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = opts.signature ?? signSlackBody(opts.secret ?? SIGNING_SECRET, timestamp, rawBody);
  return call(route.POST, {
    method: 'POST',
    path,
    rawBody,
    headers: { 'content-type': contentType, 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature, ...opts.headers },
  });
}

export function postEvent(body: unknown, opts: SignOptions = {}) {
  return signedCall(eventsRoute, '/api/integrations/slack/events', JSON.stringify(body), 'application/json', opts);
}

export function postCommand(fields: Record<string, string>, opts: SignOptions = {}) {
  return signedCall(commandsRoute, '/api/integrations/slack/commands', new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', opts);
}

export function postInteraction(payload: unknown, opts: SignOptions = {}) {
  return signedCall(interactionsRoute, '/api/integrations/slack/interactions', new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', opts);
}

export function eventCallback(teamId: string, event: Record<string, unknown>, eventId = `Ev${randomUUID().slice(0, 8)}`) {
  return { token: 'legacy', team_id: teamId, api_app_id: 'A1', type: 'event_callback', event_id: eventId, event_time: Math.floor(Date.now() / 1000), event };
}
