import { z } from 'zod';
import { defineOperation } from '@/lib/http/operation';
import { linkedSlackAccountSchema, linkSlackAccountSchema, slackAdminViewSchema } from '@/lib/integrations/slack/admin';
import { slackSettingsSchema, updateSlackSettingsSchema } from '@/lib/integrations/slack/settings';

export const getSlackSettingsOp = defineOperation({
  id: 'getSlackSettings',
  method: 'GET',
  path: '/api/v1/integrations/slack',
  summary: "The Slack installation's settings: channels synced as documents, the task notification channel, the workspace's channels and the linked members. 404 when Slack is not connected.",
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  response: slackAdminViewSchema,
});

export const updateSlackSettingsOp = defineOperation({
  id: 'updateSlackSettings',
  method: 'PATCH',
  path: '/api/v1/integrations/slack',
  summary: 'Choose the channels whose shared files become documents, and the channel task notifications go to (null: none)',
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  body: updateSlackSettingsSchema,
  response: slackSettingsSchema,
});

export const unlinkSlackMemberOp = defineOperation({
  id: 'unlinkSlackMember',
  method: 'DELETE',
  path: '/api/v1/integrations/slack/links/{id}',
  summary: 'Unlink a Slack user from their Reflex member: Reflex stops answering them in Slack until they link again',
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  params: z.strictObject({ id: z.uuid() }),
  status: 204,
});

export const linkSlackAccountOp = defineOperation({
  id: 'linkSlackAccount',
  method: 'POST',
  path: '/api/v1/integrations/slack/link',
  summary:
    'Link the Slack user a "link your account" message was sent to with the signed-in member (the token from that message; single-use, valid 15 minutes). 410 for an expired, used or unknown token.',
  tag: 'integrations',
  auth: 'tenant',
  body: linkSlackAccountSchema,
  response: linkedSlackAccountSchema,
});
