import { createConversationOp, listConversationsOp } from '@/lib/api/assistant';
import { conversationOwner, createConversation, listConversations } from '@/lib/assistant/conversations';
import { tenantRoute } from '@/lib/http/route';

export const GET = tenantRoute(listConversationsOp, ({ tx, principal, query }) => listConversations(tx, conversationOwner(principal), query));

export const POST = tenantRoute(createConversationOp, ({ tx, tenantId, principal, body }) =>
  createConversation(tx, { tenantId, userId: conversationOwner(principal) }, body),
);
