import Link from 'next/link';
import { useCan } from '@/components/shell/me-context';
import { Badge } from '@/components/ui';
import styles from './assistant.module.css';
import { citationHref, type AskCitation, type AskSource } from './ask-client';

export interface Turn {
  id: string;
  question: string;
  answer: string;
  sources: AskSource[];
  citations: AskCitation[];
  state: 'retrieving' | 'answering' | 'done' | 'error';
  error?: string;
  provider?: string | null;
  model?: string | null;
  confidence?: number;
  lowConfidence?: boolean;
  mode?: 'hybrid' | 'keyword';
  // What retrieval searched for, when a follow-up carried an earlier subject.
  searchQuery?: string;
}

function Citations({ citations }: { citations: AskCitation[] }) {
  return (
    <ol className={styles.citations} aria-label="Citations">
      {citations.map((c) => (
        <li key={c.ref}>
          <Link href={citationHref(c)} className={styles.citation} data-testid="citation">
            <span className={styles.citationRef}>{c.ref}</span>
            <span className={styles.citationBody}>
              <span className={styles.citationTitle}>{c.documentTitle}</span>
              <span className={styles.citationSnippet}>“{c.snippet}”</span>
            </span>
          </Link>
        </li>
      ))}
    </ol>
  );
}

// "Low confidence" alone leaves people stuck; say why, and what gets better answers.
function WeakAnswerHint({ provider }: { provider: string | null }) {
  const can = useCan();
  const offline = provider === null || provider === 'offline';
  if (!offline) {
    return <p className={styles.hint}>Your documents may not say this directly. Try naming the document, or ask about one thing at a time.</p>;
  }
  return (
    <p className={styles.hint} data-testid="weak-answer-hint">
      This answer comes from the built-in offline extractor, which quotes matching sentences but cannot reason across them.{' '}
      {can('settings:manage') ? (
        <>
          For fuller answers, <Link href="/app/settings">connect a model under Settings → AI</Link>.
        </>
      ) : (
        'For fuller answers, ask an admin to connect a model under Settings → AI.'
      )}
    </p>
  );
}

export function AnswerCard({ turn }: { turn: Turn }) {
  const cited = new Set(turn.citations.map((c) => c.chunkId));
  const others = turn.sources.filter((s) => !cited.has(s.chunkId));
  return (
    <article className={styles.turn} data-testid="assistant-turn" data-state={turn.state}>
      <div className={styles.question}>{turn.question}</div>
      <div className={styles.answer}>
        {turn.state === 'retrieving' && <span className="muted">Searching your documents…</span>}
        {turn.state === 'error' && <span className={styles.error}>{turn.error}</span>}
        {turn.answer && (
          <p className={styles.answerText} data-testid="answer-text">
            {turn.answer}
            {turn.state === 'answering' && <span className={styles.cursor} aria-hidden="true" />}
          </p>
        )}
        {turn.state === 'answering' && !turn.answer && <span className="muted">Writing an answer from {turn.sources.length} passages…</span>}
        {turn.citations.length > 0 && <Citations citations={turn.citations} />}
        {turn.state === 'done' && (
          <div className={styles.meta}>
            {turn.lowConfidence && <Badge tone="amber">Low confidence</Badge>}
            {turn.mode === 'keyword' && <Badge tone="gray" title="The question could not be embedded; keyword matches only">Keyword search</Badge>}
            {turn.provider && (
              <span className="muted small">
                {turn.provider === 'offline' ? 'Offline extractor' : turn.provider}
                {turn.model && turn.provider !== 'offline' ? ` · ${turn.model}` : ''}
                {turn.confidence !== undefined ? ` · confidence ${Math.round(turn.confidence * 100)}%` : ''}
              </span>
            )}
          </div>
        )}
        {turn.state === 'done' && turn.lowConfidence && <WeakAnswerHint provider={turn.provider ?? null} />}
        {turn.searchQuery && turn.searchQuery !== turn.question && (
          <p className="muted small" data-testid="search-query">
            Understood as a follow-up: searched for “{turn.searchQuery}”.
          </p>
        )}
        {turn.state === 'done' && others.length > 0 && (
          <details className={styles.sources}>
            <summary>Also searched ({others.length})</summary>
            <ul>
              {others.map((s) => (
                <li key={s.chunkId}>
                  <Link href={citationHref(s)}>{s.documentTitle}</Link> <span className="muted small">— {s.snippet}</span>
                </li>
              ))}
            </ul>
          </details>
        )}
      </div>
    </article>
  );
}
