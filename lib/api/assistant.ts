import { z } from 'zod';
import { askBodySchema } from '@/lib/assistant/ask';
import {
  conversationDetailSchema,
  conversationSchema,
  createConversationSchema,
  listConversationsQuery,
  renameConversationSchema,
} from '@/lib/assistant/conversations';
import { defineOperation } from '@/lib/http/operation';
import { pageSchema } from '@/lib/http/pagination';
import { idParams } from './common';

export const askOp = defineOperation({
  id: 'askAssistant',
  method: 'POST',
  path: '/api/v1/assistant/ask',
  summary:
    'Answer a question from the organization\'s documents, streamed as NDJSON (application/x-ndjson): one JSON ' +
    'object per line, {"type":"sources"} first (the retrieved chunks, refs S1…), then {"type":"delta","text"} pieces ' +
    'of the answer, then {"type":"done"} with the answer, citations (document id, chunk id, snippet), provider and ' +
    'confidence; {"type":"error"} replaces done if answering fails after the stream started. 429 quota_exceeded ' +
    'once the monthly AI budget is spent. With conversationId the question and its answer are kept in that ' +
    'conversation, and a short follow-up ("and who owns it?") is searched together with the subject it refers to.',
  tag: 'assistant',
  auth: 'tenant',
  permission: 'documents:read',
  body: askBodySchema,
  response: z.string().describe('NDJSON lines, each an AskEvent (sources, delta…, done | error)'),
  responseContentType: 'application/x-ndjson',
});

const conversationsSummary = 'Conversations are private to the signed-in person who started them (other members, admins included, get 404); API keys get 403.';

export const listConversationsOp = defineOperation({
  id: 'listConversations',
  method: 'GET',
  path: '/api/v1/assistant/conversations',
  summary: `List your assistant conversations, most recently used first. ${conversationsSummary}`,
  tag: 'assistant',
  auth: 'tenant',
  permission: 'documents:read',
  query: listConversationsQuery,
  response: pageSchema(conversationSchema),
});

export const createConversationOp = defineOperation({
  id: 'createConversation',
  method: 'POST',
  path: '/api/v1/assistant/conversations',
  summary: `Start a conversation; ask in it with POST /api/v1/assistant/ask and its conversationId. Without a title, the first question names it. ${conversationsSummary}`,
  tag: 'assistant',
  auth: 'tenant',
  permission: 'documents:read',
  body: createConversationSchema,
  response: conversationSchema,
  status: 201,
});

export const getConversationOp = defineOperation({
  id: 'getConversation',
  method: 'GET',
  path: '/api/v1/assistant/conversations/{id}',
  summary: `A conversation with its turns (each question with its answer and citations), oldest first. ${conversationsSummary}`,
  tag: 'assistant',
  auth: 'tenant',
  permission: 'documents:read',
  params: idParams,
  response: conversationDetailSchema,
});

export const renameConversationOp = defineOperation({
  id: 'renameConversation',
  method: 'PATCH',
  path: '/api/v1/assistant/conversations/{id}',
  summary: `Rename a conversation. ${conversationsSummary}`,
  tag: 'assistant',
  auth: 'tenant',
  permission: 'documents:read',
  params: idParams,
  body: renameConversationSchema,
  response: conversationSchema,
});

export const deleteConversationOp = defineOperation({
  id: 'deleteConversation',
  method: 'DELETE',
  path: '/api/v1/assistant/conversations/{id}',
  summary: `Delete a conversation and everything asked in it. ${conversationsSummary}`,
  tag: 'assistant',
  auth: 'tenant',
  permission: 'documents:read',
  params: idParams,
});
