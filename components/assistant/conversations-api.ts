import type { Conversation, ConversationDetail, Turn as StoredTurn } from '@/lib/assistant/conversations';
import { api } from '@/lib/ui/api';
import type { Page } from '@/lib/ui/types';
import type { Turn } from './answer-card';

export type { Conversation, ConversationDetail };

const BASE = '/api/v1/assistant/conversations';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const listConversations = (cursor?: string | null) =>
  api<Page<Conversation>>(`${BASE}?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
export const createConversation = () => api<Conversation>(BASE, { method: 'POST', body: {} });
export const getConversation = (id: string) => api<ConversationDetail>(`${BASE}/${id}`);
export const renameConversation = (id: string, title: string) => api<Conversation>(`${BASE}/${id}`, { method: 'PATCH', body: { title } });
export const deleteConversation = (id: string) => api<null>(`${BASE}/${id}`, { method: 'DELETE' });

export function isConversationId(value: string | null): value is string {
  return value !== null && UUID.test(value);
}

export const UNTITLED = 'New conversation';

// A kept turn as the answer card shows it. One still "answering" was cut off (a closed tab, a restart).
export function toTurn(t: StoredTurn): Turn {
  const base = { id: t.id, question: t.question, answer: t.answer, sources: [], citations: t.citations, searchQuery: t.searchQuery };
  if (t.status === 'done') {
    return {
      ...base,
      state: 'done',
      provider: t.provider,
      model: t.model,
      confidence: t.confidence ?? undefined,
      lowConfidence: t.lowConfidence ?? undefined,
    };
  }
  return { ...base, state: 'error', error: t.error ?? 'This answer did not finish. Ask again.' };
}

// The URL of a conversation, keeping the page's other parameters (a document scope).
export function conversationUrl(id: string | null): string {
  const params = new URLSearchParams(window.location.search);
  if (id) params.set('c', id);
  else params.delete('c');
  const query = params.toString();
  return `/app/assistant${query ? `?${query}` : ''}`;
}
