import { prepareAsk, prepareAskQuery, type AskEvent, askEventSchema, DEFAULT_CONTEXT_CHUNKS } from '@/lib/assistant/ask';
import { answerStream } from '@/lib/assistant/stream';
import { withTenant } from '@/lib/db/tenant';
import { getEnv } from '@/lib/env';
import type { SlackQuestionAskedData } from '@/lib/events/slack';
import { AppError } from '@/lib/http/errors';
import { loadAccess, type AccessSubject } from '@/lib/tenancy/access';
import { withAccessToken } from '../connections';
import type { KnownBlock } from '@slack/web-api';
import { callSlack, postToResponseUrl, slackClient, type SlackMessage } from './client';
import { createLinkToken, findLinkedMember } from './links';

export function appUrl(): string {
  return (getEnv().APP_URL ?? 'http://localhost:3000').replace(/\/$/, '');
}

// Slack mrkdwn treats &, < and > as control characters.
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface ComposedAnswer {
  message: SlackMessage;
  // Only the asker sees a refusal or a link to their account; an answer to a mention goes in the thread.
  private: boolean;
  outcome: 'answered' | 'link_needed' | 'refused' | 'failed';
}

function linkMessage(token: string): ComposedAnswer {
  const url = `${appUrl()}/app/integrations/slack/link?token=${encodeURIComponent(token)}`;
  return {
    private: true,
    outcome: 'link_needed',
    message: {
      text: `Link your Slack account to Reflex first, so answers use what you may see: ${url}`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'Reflex answers from the documents *you* can see, so it needs to know who you are in Reflex first.' } },
        { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Link my account' }, url, action_id: 'reflex_link_account' }] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'The link works once, for 15 minutes.' }] },
      ],
    },
  };
}

function refusal(text: string): ComposedAnswer {
  return { private: true, outcome: 'refused', message: { text } };
}

async function readAnswer(stream: ReadableStream<Uint8Array>): Promise<Extract<AskEvent, { type: 'done' | 'error' }>> {
  const text = await new Response(stream).text();
  for (const line of text.split('\n').reverse()) {
    if (!line.trim()) continue;
    const event = askEventSchema.parse(JSON.parse(line));
    if (event.type === 'done' || event.type === 'error') return event;
  }
  throw new Error('the answer stream ended without an answer');
}

export function formatAnswer(question: string, answer: string, citations: readonly { documentId: string; documentTitle: string; ref: string }[]): SlackMessage {
  const seen = new Set<string>();
  const sources = citations.filter((c) => !seen.has(c.documentId) && seen.add(c.documentId));
  const links = sources.map((c) => `<${appUrl()}/app/documents/${c.documentId}|${escapeMrkdwn(c.documentTitle)}>`);
  const blocks: KnownBlock[] = [
    { type: 'context', elements: [{ type: 'mrkdwn', text: `*Q:* ${escapeMrkdwn(question.slice(0, 300))}` }] },
    { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(answer).slice(0, 2_900) } },
  ];
  if (links.length > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Sources: ${links.join(' · ')}` }] });
  return { text: answer.slice(0, 3_000), blocks };
}

// Answers as the Reflex member the Slack user is linked to, with exactly that member's access: the same retrieval
// and answer code as the assistant page, so RLS and permissions apply unchanged.
type Asker = { kind: 'unlinked'; token: string } | { kind: 'member'; userId: string; canRead: boolean } | { kind: 'gone'; message: string };

export async function composeSlackAnswer(data: SlackQuestionAskedData, requestId: string): Promise<ComposedAnswer> {
  const { tenantId } = data;
  const who = await withTenant(tenantId, async (tx): Promise<Asker> => {
    const userId = await findLinkedMember(tx, data.teamId, data.slackUserId);
    if (!userId) return { kind: 'unlinked', token: await createLinkToken(tx, tenantId, data.teamId, data.slackUserId) };
    try {
      const access = await loadAccess(tx, { kind: 'user', userId }, tenantId);
      return { kind: 'member', userId, canRead: access.permissions.has('documents:read') };
    } catch (err) {
      if (err instanceof AppError) return { kind: 'gone', message: err.message };
      throw err;
    }
  });
  if (who.kind === 'unlinked') return linkMessage(who.token);
  if (who.kind === 'gone') return refusal(`Your linked Reflex account cannot be used here: ${who.message}.`);
  if (!who.canRead) return refusal('Your Reflex role does not let you read documents, so Reflex cannot answer from them for you. Ask an admin for access.');
  if (!data.question.trim()) return refusal('Ask a question after the mention, for example “@Reflex what did we decide about pricing?”');

  const subject: AccessSubject = { kind: 'user', userId: who.userId };
  const body = { question: data.question.slice(0, 2_000), maxSources: DEFAULT_CONTEXT_CHUNKS };
  const inTenant = <T>(fn: Parameters<typeof withTenant<T>>[1]) => withTenant(tenantId, fn, { userId: who.userId });
  try {
    const prepared = await prepareAskQuery((fn) => inTenant((tx) => fn(tx)), tenantId, subject, body, { requestId });
    const ask = await inTenant((tx) => prepareAsk(tx, tenantId, subject, body, prepared));
    const result = await readAnswer(answerStream(ask, { requestId, committed: Promise.resolve() }));
    if (result.type === 'error') return { private: true, outcome: 'failed', message: { text: `Reflex could not answer: ${result.error.message}` } };
    return { private: false, outcome: 'answered', message: formatAnswer(data.question, result.answer, result.citations) };
  } catch (err) {
    if (err instanceof AppError) return { private: true, outcome: 'failed', message: { text: `Reflex could not answer: ${err.message}` } };
    throw err;
  }
}

// A slash command answers through its response_url (only the asker sees it); a mention answers in its thread, and
// a private reply to a mention is an ephemeral message in the channel.
export async function deliverSlackAnswer(data: SlackQuestionAskedData, composed: ComposedAnswer): Promise<void> {
  if (data.responseUrl) {
    await postToResponseUrl(data.responseUrl, { ...composed.message, response_type: 'ephemeral' });
    return;
  }
  await withAccessToken({ tenantId: data.tenantId, connectionId: data.connectionId }, (token) => {
    const client = slackClient(token);
    const { text, blocks } = composed.message;
    const rich = blocks ? { blocks } : {};
    return callSlack(() =>
      composed.private
        ? client.chat.postEphemeral({ channel: data.channelId, user: data.slackUserId, text, ...rich, ...(data.threadTs ? { thread_ts: data.threadTs } : {}) })
        : client.chat.postMessage({ channel: data.channelId, text, ...rich, ...(data.threadTs ? { thread_ts: data.threadTs } : {}) }),
    );
  });
}
