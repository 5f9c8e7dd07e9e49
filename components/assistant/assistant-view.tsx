'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Icon } from '@/components/icons';
import { useCan } from '@/components/shell/me-context';
import { Alert, EmptyState, PageHeader } from '@/components/ui';
import { errorMessage } from '@/lib/ui/api';
import { useResource } from '@/lib/ui/use-resource';
import type { DocumentSummary } from '@/components/documents/types';
import { AnswerCard, type Turn } from './answer-card';
import { askStreaming, type AskEvent } from './ask-client';
import styles from './assistant.module.css';

let nextId = 1;

function applyEvent(turn: Turn, event: AskEvent): Turn {
  switch (event.type) {
    case 'sources':
      return { ...turn, sources: event.sources, mode: event.mode, state: 'answering' };
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

export function AssistantView({ scopeId }: { scopeId: string | null }) {
  const can = useCan();
  const [question, setQuestion] = useState('');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [scopeOn, setScopeOn] = useState(scopeId !== null);
  const scopeDoc = useResource<DocumentSummary>(scopeId ? `/api/v1/documents/${scopeId}` : null);
  const scoped = scopeOn && scopeId ? { id: scopeId, title: scopeDoc.data?.title ?? 'one document' } : null;
  const running = useRef<AbortController | null>(null);
  const busy = turns.some((t) => t.state === 'retrieving' || t.state === 'answering');

  useEffect(() => () => running.current?.abort(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const q = question.trim();
    if (!q || busy) return;
    const id = nextId++;
    const update = (fn: (t: Turn) => Turn) => setTurns((all) => all.map((t) => (t.id === id ? fn(t) : t)));
    setTurns((all) => [...all, { id, question: q, answer: '', sources: [], citations: [], state: 'retrieving' }]);
    setQuestion('');
    const controller = new AbortController();
    running.current = controller;
    try {
      await askStreaming({ question: q, ...(scoped ? { documentIds: [scoped.id] } : {}) }, (event) => update((t) => applyEvent(t, event)), controller.signal);
    } catch (err) {
      if (!controller.signal.aborted) update((t) => ({ ...t, state: 'error', error: errorMessage(err) }));
    } finally {
      update((t) => (t.state === 'done' || t.state === 'error' ? t : { ...t, state: 'error', error: 'The answer stopped before it was complete.' }));
    }
  }

  if (!can('documents:read')) {
    return (
      <>
        <PageHeader title="Assistant" />
        <Alert tone="warning" title="No access">
          Asking the assistant needs the documents:read permission.
        </Alert>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Assistant" description="Ask questions; answers come from your organization's documents and cite the passages they used." />
      <section className={`card ${styles.chat}`}>
        <div className={styles.turns} aria-live="polite">
          {turns.length === 0 ? (
            <EmptyState icon="message" title="Ask anything about your documents">
              For example: “What is the termination notice in the Northwind agreement?” or “Which action items are due this week?”
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
              maxLength={2000}
              placeholder="Ask a question…"
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
            <button type="submit" className="btn btn-primary" disabled={busy || question.trim() === ''} data-testid="ask-submit">
              <Icon name="arrowRight" size={16} /> Ask
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
