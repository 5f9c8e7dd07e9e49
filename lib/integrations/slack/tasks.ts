import type { KnownBlock } from '@slack/web-api';
import { z } from 'zod';
import { withTenant } from '@/lib/db/tenant';
import { sendEvent } from '@/lib/events/send';
import { slackReplyRequested } from '@/lib/events/slack';
import { AppError } from '@/lib/http/errors';
import { getTask, updateTask } from '@/lib/tasks/tasks';
import type { Task } from '@/lib/tasks/schemas';
import { loadAccess } from '@/lib/tenancy/access';
import { logger } from '@/lib/log';
import { recordIntegrationEvent } from '../audit';
import { findConnectionByExternalAccount, withAccessToken, type ConnectionRef } from '../connections';
import { appUrl, escapeMrkdwn } from './answer';
import { callSlack, slackClient } from './client';
import { recordOnce } from './deliveries';
import { createLinkToken, findLinkedMember } from './links';
import { readSlackSettings } from './settings';
import type { SignedSlackRequest } from './inbound';

export const MARK_DONE_ACTION = 'reflex_task_done';
const DONE_COLUMN_KEY = 'done';

export type TaskNotice = 'created' | 'assigned' | 'due';

const HEADLINE: Record<TaskNotice, string> = { created: 'New task', assigned: 'Task assigned', due: 'Task due today' };

export function taskNoticeBlocks(task: Task, notice: TaskNotice): { text: string; blocks: KnownBlock[] } {
  const link = `<${appUrl()}/app/tasks?task=${task.id}|${escapeMrkdwn(task.title)}>`;
  const facts = [task.assignee ? `Assigned to ${escapeMrkdwn(task.assignee.name)}` : 'Unassigned', task.dueDate ? `due ${task.dueDate}` : null].filter(Boolean).join(' · ');
  return {
    text: `${HEADLINE[notice]}: ${task.title}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${HEADLINE[notice]}:* ${link}\n${facts}` } },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Mark done' }, style: 'primary', action_id: MARK_DONE_ACTION, value: task.id }] },
    ],
  };
}

// Tells the organization's notification channel, once per (task, notice, assignee or due date): a repeated event
// or a retried run never posts twice. Null when there is nothing to say.
export interface PreparedNotice {
  channel: string;
  text: string;
  blocks: KnownBlock[];
  dueDate: string | null;
}

export async function prepareTaskNotice(ref: ConnectionRef, taskId: string, notice: TaskNotice): Promise<PreparedNotice | null> {
  return withTenant(ref.tenantId, async (tx) => {
    const settings = await readSlackSettings(tx, ref.connectionId);
    if (!settings.notifyChannel) return null;
    let task: Task;
    try {
      task = await getTask(tx, taskId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return null;
      throw err;
    }
    if (notice === 'assigned' && !task.assigneeId) return null;
    if (notice === 'due' && (task.status === DONE_COLUMN_KEY || !task.dueDate)) return null;
    const key = `${taskId}:${notice}:${notice === 'assigned' ? task.assigneeId : notice === 'due' ? task.dueDate : ''}`;
    if (!(await recordOnce(tx, ref.tenantId, 'notice', key))) return null;
    return { channel: settings.notifyChannel, dueDate: task.status === DONE_COLUMN_KEY ? null : task.dueDate, ...taskNoticeBlocks(task, notice) };
  });
}

export async function postTaskNotice(ref: ConnectionRef, notice: PreparedNotice): Promise<void> {
  const { channel, text, blocks } = notice;
  await withAccessToken(ref, (token) => callSlack(() => slackClient(token).chat.postMessage({ channel, text, blocks })));
}

const interactionSchema = z.object({
  type: z.literal('block_actions'),
  team: z.object({ id: z.string().min(1).max(64) }),
  user: z.object({ id: z.string().min(1).max(64) }),
  response_url: z.url().max(2_000),
  actions: z.array(z.object({ action_id: z.string().max(255), value: z.string().max(2_000).optional() })).min(1).max(5),
});

function readPayload(raw: string): unknown {
  const payload = new URLSearchParams(raw).get('payload');
  if (!payload) throw new AppError('validation_failed', 'Not a Slack interaction payload');
  try {
    return JSON.parse(payload);
  } catch {
    throw new AppError('invalid_json', 'The interaction payload is not valid JSON');
  }
}

export type InteractionOutcome = 'done' | 'already_done' | 'not_linked' | 'forbidden' | 'not_found' | 'ignored' | 'unknown_team';

// "Mark done" from a task notice: as the Slack user's linked member, who must hold tasks:write. The task is looked up
// inside the organization the workspace is installed in, so an id of another organization is simply not found.
export async function receiveSlackInteraction(signed: SignedSlackRequest): Promise<InteractionOutcome> {
  const parsed = interactionSchema.safeParse(readPayload(signed.rawBody));
  if (!parsed.success) return 'ignored';
  const p = parsed.data;
  const action = p.actions.find((a) => a.action_id === MARK_DONE_ACTION);
  const ref = await findConnectionByExternalAccount('slack', p.team.id);
  if (!ref) {
    logger.info('slack: an interaction for a workspace with no active installation; nothing done', { teamId: p.team.id });
    return 'unknown_team';
  }
  const result = await withTenant(ref.tenantId, async (tx): Promise<{ outcome: InteractionOutcome; text: string | null }> => {
    if (!(await recordOnce(tx, ref.tenantId, 'signature', signed.signature))) throw new AppError('unauthenticated', 'This request was already received');
    if (!action?.value || !z.uuid().safeParse(action.value).success) return { outcome: 'ignored', text: null };
    const userId = await findLinkedMember(tx, p.team.id, p.user.id);
    if (!userId) {
      const token = await createLinkToken(tx, ref.tenantId, p.team.id, p.user.id);
      return { outcome: 'not_linked', text: `Link your Slack account to Reflex first: ${appUrl()}/app/integrations/slack/link?token=${encodeURIComponent(token)}` };
    }
    const access = await loadAccess(tx, { kind: 'user', userId }, ref.tenantId).catch((err: unknown) => {
      if (err instanceof AppError) return null;
      throw err;
    });
    if (!access?.permissions.has('tasks:write')) return { outcome: 'forbidden', text: 'Your Reflex role does not let you change tasks.' };
    let task: Task;
    try {
      task = await getTask(tx, action.value);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return { outcome: 'not_found', text: 'That task no longer exists.' };
      throw err;
    }
    if (task.status === DONE_COLUMN_KEY) return { outcome: 'already_done', text: `“${task.title}” is already done.` };
    await updateTask(tx, { tenantId: ref.tenantId, userId }, task.id, { version: task.version, status: DONE_COLUMN_KEY });
    await recordIntegrationEvent(tx, {
      action: 'integration.slackTaskDone',
      actor: { type: 'user', id: userId, label: null },
      connectionId: ref.connectionId,
      provider: 'slack',
      metadata: { taskId: task.id },
    });
    return { outcome: 'done', text: `✅ “${task.title.slice(0, 200)}” was marked done by <@${p.user.id}>.` };
  });
  // Sent after the change committed, so Slack never hears of a change that rolled back.
  if (result.text) await sendEvent(slackReplyRequested, { tenantId: ref.tenantId, responseUrl: p.response_url, text: result.text });
  return result.outcome;
}
