import { z } from 'zod';
import { defineEvent } from './define';

const slackId = z.string().min(1).max(64);
// Slack's response_url: a hooks.slack.com address (the fake's address in tests), valid for 30 minutes.
const responseUrl = z.url().max(2_000);

// A Slack user asked Reflex something (`/reflex ask …`, or an @-mention in a thread). The request was verified
// and acknowledged; integrations/answer-slack-question answers as the member the Slack user is linked to.
export const slackQuestionAsked = defineEvent('slack/question-asked', {
  connectionId: z.uuid(),
  teamId: slackId,
  slackUserId: slackId,
  channelId: slackId,
  threadTs: z.string().max(32).nullable(),
  question: z.string().max(4_000),
  responseUrl: responseUrl.nullable(),
});
export type SlackQuestionAskedData = z.infer<typeof slackQuestionAsked.schema>;

// A file was shared in a channel the organization syncs; integrations/import-slack-file makes it a document.
export const slackFileShared = defineEvent('slack/file-shared', {
  connectionId: z.uuid(),
  teamId: slackId,
  fileId: slackId,
  channelId: slackId,
  slackUserId: slackId.nullable(),
});
export type SlackFileSharedData = z.infer<typeof slackFileShared.schema>;

// Something Slack should be told in reply to an interaction (a task marked done from a button).
export const slackReplyRequested = defineEvent('slack/reply-requested', {
  responseUrl,
  text: z.string().min(1).max(3_000),
});
