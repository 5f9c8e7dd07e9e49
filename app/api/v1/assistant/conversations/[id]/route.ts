import { deleteConversationOp, getConversationOp, renameConversationOp } from '@/lib/api/assistant';
import { conversationOwner, deleteConversation, getConversation, renameConversation } from '@/lib/assistant/conversations';
import { tenantRoute } from '@/lib/http/route';

export const GET = tenantRoute(getConversationOp, ({ tx, principal, params }) => getConversation(tx, conversationOwner(principal), params.id));

export const PATCH = tenantRoute(renameConversationOp, ({ tx, principal, params, body }) =>
  renameConversation(tx, conversationOwner(principal), params.id, body.title),
);

export const DELETE = tenantRoute(deleteConversationOp, async ({ tx, principal, params }) => {
  await deleteConversation(tx, conversationOwner(principal), params.id);
});
