'use client';

import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Icon } from '@/components/icons';
import { useCan } from '@/components/shell/me-context';
import { useToast } from '@/components/toast';
import { Alert, EmptyState, PageHeader, Spinner } from '@/components/ui';
import { errorMessage } from '@/lib/ui/api';
import { useResource } from '@/lib/ui/use-resource';
import type { DocumentSummary } from '@/components/documents/types';
import { AnswerCard, type Turn } from './answer-card';
import { askStreaming, type AskEvent } from './ask-client';
import { ConversationList } from './conversation-list';
import {
  conversationUrl,
  createConversation,
  deleteConversation,
  getConversation,
  isConversationId,
  listConversations,
  renameConversation,
  toTurn,
  UNTITLED,
  type Conversation,
} from './conversations-api';
import styles from './assistant.module.css';

let nextLocalId = 1;

function applyEvent(turn: Turn, event: AskEvent): Turn {
  switch (event.type) {
    case 'sources':
      return { ...turn, sources: event.sources, mode: event.mode, searchQuery: event.searchQuery, state: 'answering' };
    case 'delta':
      return { ...turn, answer: turn.answer + event.text };
    case 'done':
      return {
        ...turn,
        state: 'done',
        answer: event.answer,
        citations: event.citations,
        provider: event.provider,
        model: event.model,
        confidence: event.confidence,
        lowConfidence: event.lowConfidence,
      };
    case 'error':
      return { ...turn, state: 'error', error: event.error.message };
  }
}

// The conversation sidebar and the chat. The open conversation is in the URL (?c=<id>), so a reload, a shared
// link or the back button shows the same thread; asking without one starts a new conversation first.
export function AssistantView({ scopeId }: { scopeId: string | null }) {
  const can = useCan();
  const toast = useToast();
  const params = useSearchParams();
  const requested = params.get('c');
  const activeId = isConversationId(requested) ? requested : null;
  const [question, setQuestion] = useState('');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [threads, setThreads] = useState<Conversation[]>([]);
  const [threadsCursor, setThreadsCursor] = useState<string | null>(null);
  const [threadsLoading, setThreadsLoading] = useState(true);
  const [loadingThread, setLoadingThread] = useState(activeId !== null);
  const [threadError, setThreadError] = useState<string | null>(null);
  const [scopeOn, setScopeOn] = useState(scopeId !== null);
  const scopeDoc = useResource<DocumentSummary>(scopeId ? `/api/v1/documents/${scopeId}` : null);
  const scoped = scopeOn && scopeId ? { id: scopeId, title: scopeDoc.data?.title ?? 'one document' } : null;
  const running = useRef<AbortController | null>(null);
  // The conversation whose turns are on screen already (one we just started): no need to load it.
  const shown = useRef<string | null>(null);
  const busy = turns.some((t) => t.state === 'retrieving' || t.state === 'answering');
  const allowed = can('documents:read');

  useEffect(() => () => running.current?.abort(), []);

  const loadThreads = useCallback(async (cursor: string | null) => {
    try {
      const page = await listConversations(cursor);
      setThreads((all) => (cursor ? [...all, ...page.items] : page.items));
      setThreadsCursor(page.nextCursor);
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setThreadsLoading(false);
    }
  }, [toast]);

  // After a question: the first page again (the server named a new conversation, and the asked one moved up),
  // keeping any older pages already shown.
  async function refreshThreads() {
    try {
      const page = await listConversations(null);
      const fresh = new Set(page.items.map((t) => t.id));
      setThreads((all) => [...page.items, ...all.filter((t) => !fresh.has(t.id))]);
    } catch {
      // The list is a convenience; the answer on screen is what matters, and the next load catches up.
    }
  }

  useEffect(() => {
    if (allowed) void loadThreads(null);
  }, [allowed, loadThreads]);

  // Follows the URL: opening a conversation (the sidebar, a reload, back and forward) loads its turns.
  useEffect(() => {
    if (!allowed || activeId === shown.current) return;
    shown.current = activeId;
    running.current?.abort();
    setThreadError(null);
    if (!activeId) {
      setTurns([]);
      setLoadingThread(false);
      return;
    }
    setLoadingThread(true);
    let stale = false;
    getConversation(activeId)
      .then((c) => {
        if (!stale) setTurns(c.turns.map(toTurn));
      })
      .catch((err: unknown) => {
        if (!stale) {
          setTurns([]);
          setThreadError(errorMessage(err));
        }
      })
      .finally(() => {
        if (!stale) setLoadingThread(false);
      });
    return () => {
      stale = true;
    };
  }, [activeId, allowed]);

  function open(id: string | null) {
    if (id === activeId) return;
    window.history.pushState(null, '', conversationUrl(id));
  }

  // The conversation to ask in: the open one, or a new one (named by the server after the first question).
  async function conversationForQuestion(): Promise<string> {
    if (activeId && !threadError) return activeId;
    const created = await createConversation();
    shown.current = created.id;
    setThreads((all) => [created, ...all]);
    window.history.replaceState(null, '', conversationUrl(created.id));
    return created.id;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const q = question.trim();
    if (!q || busy) return;
    const id = `local-${nextLocalId++}`;
    const update = (fn: (t: Turn) => Turn) => setTurns((all) => all.map((t) => (t.id === id ? fn(t) : t)));
    setThreadError(null);
    setTurns((all) => [...all, { id, question: q, answer: '', sources: [], citations: [], state: 'retrieving' }]);
    setQuestion('');
    const controller = new AbortController();
    running.current = controller;
    try {
      const conversationId = await conversationForQuestion();
      await askStreaming(
        { question: q, conversationId, ...(scoped ? { documentIds: [scoped.id] } : {}) },
        (event) => update((t) => applyEvent(t, event)),
        controller.signal,
      );
      await refreshThreads();
    } catch (err) {
      if (!controller.signal.aborted) update((t) => ({ ...t, state: 'error', error: errorMessage(err) }));
    } finally {
      update((t) => (t.state === 'done' || t.state === 'error' ? t : { ...t, state: 'error', error: 'The answer stopped before it was complete.' }));
    }
  }

  async function rename(id: string, title: string): Promise<boolean> {
    try {
      const renamed = await renameConversation(id, title);
      setThreads((all) => all.map((t) => (t.id === id ? renamed : t)));
      return true;
    } catch (err) {
      toast(errorMessage(err), 'error');
      return false;
    }
  }

  async function remove(id: string): Promise<void> {
    try {
      await deleteConversation(id);
      setThreads((all) => all.filter((t) => t.id !== id));
      if (id === activeId) window.history.replaceState(null, '', conversationUrl(null));
      toast('Conversation deleted');
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  }

  if (!allowed) {
    return (
      <>
        <PageHeader title="Assistant" />
        <Alert tone="warning" title="No access">
          Asking the assistant needs the documents:read permission.
        </Alert>
      </>
    );
  }

  const active = threads.find((t) => t.id === activeId);
  return (
    <>
      <PageHeader title="Assistant" description="Ask questions; answers come from your organization's documents and cite the passages they used. Your conversations are private to you." />
      <div className={styles.layout}>
        <ConversationList
          items={threads}
          activeId={activeId}
          loading={threadsLoading}
          hasMore={threadsCursor !== null}
          onOpen={open}
          onNew={() => open(null)}
          onRename={rename}
          onDelete={remove}
          onMore={() => void loadThreads(threadsCursor)}
        />
        <section className={`card ${styles.chat}`} aria-label={active?.title ?? UNTITLED}>
          <div className={styles.chatHeader}>
            <h2 className={styles.chatTitle} data-testid="conversation-title">
              {activeId ? (active?.title ?? (loadingThread ? '…' : UNTITLED)) : UNTITLED}
            </h2>
          </div>
          <div className={styles.turns} aria-live="polite">
            {threadError ? (
              <Alert tone="error" title="This conversation could not be opened">
                {threadError} Start a new one, or pick another from the list.
              </Alert>
            ) : loadingThread ? (
              <Spinner label="Loading the conversation" />
            ) : turns.length === 0 ? (
              <EmptyState icon="message" title="Ask anything about your documents">
                For example: “What is the termination notice in the Northwind agreement?” or “Which action items are due this week?” Follow-up questions
                such as “and who owns it?” are understood in context.
              </EmptyState>
            ) : (
              turns.map((t) => <AnswerCard key={t.id} turn={t} />)
            )}
          </div>
          <form className={styles.askForm} onSubmit={submit}>
            {scoped && (
              <div className={styles.scope}>
                Only from <strong>{scoped.title}</strong>
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => setScopeOn(false)}>
                  Search everything
                </button>
              </div>
            )}
            <div className={styles.askRow}>
              <textarea
                className={`input ${styles.askInput}`}
                rows={2}
                placeholder={turns.length > 0 ? 'Ask a follow-up…' : 'Ask a question…'}
                aria-label="Question"
                data-testid="ask-input"
                value={question}
                onChange={(e) => setQuestion(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && !e.shiftKey) {
                    e.preventDefault();
                    e.currentTarget.form?.requestSubmit();
                  }
                }}
              />
              <button type="submit" className="btn btn-primary" disabled={busy || question.trim() === '' || question.length > 2000} data-testid="ask-submit">
                <Icon name="arrowRight" size={16} /> Ask
              </button>
            </div>
            {question.length > 1600 && (
              <span className={question.length > 2000 ? 'hint hint-error' : 'hint'}>{question.length} / 2000 characters</span>
            )}
          </form>
        </section>
      </div>
    </>
  );
}
