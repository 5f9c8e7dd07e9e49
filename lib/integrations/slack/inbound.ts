import { z } from 'zod';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { getEnv } from '@/lib/env';
import { sendEvent } from '@/lib/events/send';
import { slackFileShared, slackQuestionAsked } from '@/lib/events/slack';
import { readLimited } from '@/lib/http/body';
import { AppError } from '@/lib/http/errors';
import { logger } from '@/lib/log';
import { findConnectionByExternalAccount, type ConnectionRef } from '../connections';
import { recordOnce } from './deliveries';
import { readSlackSettings } from './settings';
import { verifySlackSignature } from './signature';

// Slack's own payloads are a few kilobytes; anything near this is not from Slack.
export const MAX_SLACK_BODY_BYTES = 256 * 1024;

export interface SignedSlackRequest {
  rawBody: string;
  signature: string;
}

// Reads the raw body (the signature covers its exact bytes) and checks it was signed by Slack within the last five
// minutes. Nothing is parsed before that, so a forged request never reaches a parser or the database.
export async function readSignedSlackRequest(req: Request, nowSeconds = Math.floor(Date.now() / 1000)): Promise<SignedSlackRequest> {
  const secret = getEnv().SLACK_SIGNING_SECRET;
  if (!secret) {
    logger.warn('slack: a request arrived but SLACK_SIGNING_SECRET is not set, so it cannot be verified');
    throw new AppError('unauthenticated', 'Slack requests cannot be verified on this server');
  }
  const bytes = await readLimited(req, MAX_SLACK_BODY_BYTES);
  let rawBody: string;
  try {
    rawBody = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('bad_request', 'The request body is not UTF-8');
  }
  const signature = verifySlackSignature({
    secret,
    timestamp: req.headers.get('x-slack-request-timestamp'),
    signature: req.headers.get('x-slack-signature'),
    rawBody,
    nowSeconds,
  });
  return { rawBody, signature };
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new AppError('invalid_json', 'The request body is not valid JSON');
  }
}

const slackId = z.string().min(1).max(64);

const eventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('app_mention'), user: slackId, text: z.string().max(40_000), channel: slackId, ts: z.string().max(32), thread_ts: z.string().max(32).optional() }),
  z.object({ type: z.literal('file_shared'), file_id: slackId, channel_id: slackId, user_id: slackId.optional() }),
  z.object({
    type: z.literal('message'),
    subtype: z.string().optional(),
    channel: slackId.optional(),
    user: slackId.optional(),
    bot_id: z.string().optional(),
    files: z.array(z.object({ id: slackId })).max(20).optional(),
  }),
]);

const envelopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('url_verification'), challenge: z.string().min(1).max(500) }),
  z.object({ type: z.literal('event_callback'), team_id: slackId, event_id: slackId, event: z.looseObject({ type: z.string() }) }),
  z.object({ type: z.literal('app_rate_limited'), team_id: slackId.optional() }),
]);

export type SlackEventsOutcome =
  | { kind: 'challenge'; challenge: string }
  | { kind: 'ignored'; reason: 'unknown_team' | 'duplicate' | 'unhandled' }
  | { kind: 'accepted' };

// Mentions read as `<@U123> what is…`; the question is what remains.
export function questionFromMention(text: string): string {
  return text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ').replace(/\s+/g, ' ').trim();
}

async function findInstall(teamId: string, what: string): Promise<ConnectionRef | null> {
  const ref = await findConnectionByExternalAccount('slack', teamId);
  if (!ref) logger.info(`slack: ${what} for a workspace with no active installation; nothing done`, { teamId });
  return ref;
}

// The signature is kept per organization for the tolerance window: the same signed request sent twice is a replay.
async function refuseReplay(tx: Tx, tenantId: string, signature: string): Promise<void> {
  if (!(await recordOnce(tx, tenantId, 'signature', signature))) throw new AppError('unauthenticated', 'This request was already received');
}

// Events API. A retry (X-Slack-Retry-Num) carries the same event_id and is acknowledged without doing anything
// again; the event is recorded and its work queued in one transaction, so a failed send leaves nothing recorded
// and the 503 asks Slack to retry.
export async function receiveSlackEvents(signed: SignedSlackRequest): Promise<SlackEventsOutcome> {
  const envelope = envelopeSchema.safeParse(parseJson(signed.rawBody));
  if (!envelope.success) throw new AppError('validation_failed', 'Not a Slack Events API payload');
  const body = envelope.data;
  if (body.type === 'url_verification') return { kind: 'challenge', challenge: body.challenge };
  if (body.type === 'app_rate_limited') return { kind: 'ignored', reason: 'unhandled' };
  const ref = await findInstall(body.team_id, `event ${body.event.type}`);
  if (!ref) return { kind: 'ignored', reason: 'unknown_team' };
  const event = eventSchema.safeParse(body.event);
  return withTenant(ref.tenantId, async (tx): Promise<SlackEventsOutcome> => {
    await refuseReplay(tx, ref.tenantId, signed.signature);
    if (!(await recordOnce(tx, ref.tenantId, 'event', body.event_id))) return { kind: 'ignored', reason: 'duplicate' };
    if (!event.success) return { kind: 'ignored', reason: 'unhandled' };
    const e = event.data;
    const base = { tenantId: ref.tenantId, connectionId: ref.connectionId, teamId: body.team_id };
    if (e.type === 'app_mention') {
      await sendEvent(
        slackQuestionAsked,
        { ...base, slackUserId: e.user, channelId: e.channel, threadTs: e.thread_ts ?? e.ts, question: questionFromMention(e.text).slice(0, 4_000), responseUrl: null },
        { id: `slack-question-${ref.tenantId}-${body.event_id}` },
      );
      return { kind: 'accepted' };
    }
    const files = e.type === 'file_shared' ? [{ id: e.file_id, channel: e.channel_id, user: e.user_id ?? null }] : (e.files ?? []).map((f) => ({ id: f.id, channel: e.channel, user: e.user ?? null }));
    if (files.length === 0 || (e.type === 'message' && e.bot_id)) return { kind: 'ignored', reason: 'unhandled' };
    const settings = await readSlackSettings(tx, ref.connectionId);
    let queued = 0;
    for (const f of files) {
      if (!f.channel || !settings.fileChannels.includes(f.channel)) continue;
      // file_shared and the message that carries the same file both arrive: one import per file.
      await sendEvent(slackFileShared, { ...base, fileId: f.id, channelId: f.channel, slackUserId: f.user }, { id: `slack-file-${ref.tenantId}-${f.id}` });
      queued++;
    }
    return queued > 0 ? { kind: 'accepted' } : { kind: 'ignored', reason: 'unhandled' };
  });
}

const commandSchema = z.object({
  team_id: slackId,
  user_id: slackId,
  channel_id: slackId,
  command: z.string().max(64),
  text: z.string().max(4_000).default(''),
  response_url: z.url().max(2_000),
});

export interface SlackReply {
  response_type: 'ephemeral';
  text: string;
}

const HELP = 'Ask Reflex about your documents: `/reflex ask <question>`.';

function formFields(raw: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(raw));
}

// Slash commands. Slack waits three seconds for this answer, so the question itself is answered by
// integrations/answer-slack-question through the response_url.
export async function receiveSlackCommand(signed: SignedSlackRequest): Promise<SlackReply> {
  const parsed = commandSchema.safeParse(formFields(signed.rawBody));
  if (!parsed.success) throw new AppError('validation_failed', 'Not a Slack slash command payload');
  const c = parsed.data;
  const ref = await findInstall(c.team_id, `command ${c.command}`);
  if (!ref) return { response_type: 'ephemeral', text: 'Reflex is not connected to this Slack workspace. An admin can connect it in Reflex under Settings → Integrations.' };
  const match = /^ask\s+([\s\S]+)$/i.exec(c.text.trim());
  return withTenant(ref.tenantId, async (tx): Promise<SlackReply> => {
    await refuseReplay(tx, ref.tenantId, signed.signature);
    const question = match?.[1]?.trim();
    if (!question) return { response_type: 'ephemeral', text: HELP };
    await sendEvent(slackQuestionAsked, {
      tenantId: ref.tenantId,
      connectionId: ref.connectionId,
      teamId: c.team_id,
      slackUserId: c.user_id,
      channelId: c.channel_id,
      threadTs: null,
      question,
      responseUrl: c.response_url,
    });
    return { response_type: 'ephemeral', text: `Looking through your documents for “${question.slice(0, 200)}”…` };
  });
}
