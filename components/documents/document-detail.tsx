'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { ConfirmButton } from '@/components/confirm-button';
import { Icon } from '@/components/icons';
import { useCan } from '@/components/shell/me-context';
import { useToast } from '@/components/toast';
import { Alert, Badge, Card, PageHeader, Spinner } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import { DueDate, Time } from '@/components/time';
import { formatBytes, pluralize } from '@/lib/ui/format';
import { DocumentText, findQuote } from './document-text';
import styles from './documents.module.css';
import { formatCost } from './format';
import { StatusBadge } from './status-badge';
import { StepTimeline } from './step-timeline';
import { isActive, KIND_LABEL, type DocumentDetail, type DocumentStatus } from './types';
import { useLiveRefresh } from './use-live';

const RETRYABLE: DocumentStatus[] = ['failed', 'needs_transcription_provider', 'cancelled'];
const CANCELLABLE: DocumentStatus[] = ['queued', 'processing', 'failed', 'needs_transcription_provider'];

function ruleName(rule: Record<string, unknown>): string {
  const name = typeof rule.name === 'string' ? rule.name : undefined;
  const kind = typeof rule.kind === 'string' ? rule.kind : 'rule';
  if (kind === 'valid-dates') return 'Dates are valid';
  if (kind === 'max-age-days') return `At most ${String(rule.days)} days old`;
  return name ? `${name} (${kind})` : kind;
}

export function DocumentDetailView({ id, highlight, quote }: { id: string; highlight: { start: number; end: number } | null; quote: string | null }) {
  const can = useCan();
  const canWrite = can('documents:write');
  const router = useRouter();
  const toast = useToast();
  const [doc, setDoc] = useState<DocumentDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setDoc(await api<DocumentDetail>(`/api/v1/documents/${id}`));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [id]);

  useEffect(() => {
    // Loading on mount is the point; state lands after the request.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load]);
  useLiveRefresh(() => void load(), doc !== null && isActive(doc.status));

  async function act(action: 'retry' | 'cancel') {
    try {
      await api(`/api/v1/documents/${id}/${action}`, { method: 'POST', body: {} });
      toast(action === 'retry' ? 'Processing resumes from the step that did not finish.' : 'Cancelled.');
      await load();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  }

  async function remove() {
    try {
      await api(`/api/v1/documents/${id}`, { method: 'DELETE' });
      toast('Document deleted.');
      router.push('/app/documents');
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  }

  if (!doc) {
    return (
      <>
        <PageHeader title="Document" />
        {error ? <Alert tone="error">{error}</Alert> : <Spinner label="Loading document" />}
      </>
    );
  }

  const content = doc.transcript ?? doc.text;
  const marked = highlight ?? (quote && content ? findQuote(content, quote) : null);
  return (
    <>
      <div className={styles.back}>
        <Link href="/app/documents">← All documents</Link>
      </div>
      <PageHeader
        title={doc.title}
        description={
          <span className={styles.headerMeta}>
            <StatusBadge status={doc.status} step={doc.currentStep} />
            {doc.category && <Badge tone="brand">{doc.category}</Badge>}
            <span className="muted small">
              {KIND_LABEL[doc.kind]} · {formatBytes(doc.sizeBytes)} · {pluralize(doc.chunkCount, 'chunk')} · added <Time value={doc.createdAt} /> · cost{' '}
              {formatCost(doc.costMicros)}
            </span>
          </span>
        }
        actions={
          <div className="row-actions">
            {doc.status === 'processed' && (
              <Link className="btn btn-secondary btn-sm" href={`/app/assistant?document=${doc.id}`}>
                <Icon name="message" size={14} /> Ask about it
              </Link>
            )}
            {canWrite && RETRYABLE.includes(doc.status) && (
              <button type="button" className="btn btn-secondary btn-sm" onClick={() => void act('retry')}>
                Retry
              </button>
            )}
            {canWrite && CANCELLABLE.includes(doc.status) && (
              <ConfirmButton label="Cancel processing" confirmLabel="Cancel it" tone="neutral" onConfirm={() => act('cancel')} />
            )}
            {canWrite && <ConfirmButton label="Delete" confirmLabel="Delete document" onConfirm={remove} />}
          </div>
        }
      />
      {error && <Alert tone="error">{error}</Alert>}
      {doc.error && doc.status !== 'processed' && (
        <Alert tone={doc.status === 'needs_transcription_provider' ? 'warning' : 'error'} title="Processing stopped">
          {doc.error}
        </Alert>
      )}
      <div className={styles.detailGrid}>
        <div className={styles.detailMain}>
          <Card title="Summary">
            {doc.summary ? <p className={styles.summary}>{doc.summary}</p> : <p className="muted">Not summarized yet.</p>}
            {doc.tags.length > 0 && (
              <div className="chips" aria-label="Tags">
                {doc.tags.map((t) => (
                  <span key={t} className="chip">
                    {t}
                  </span>
                ))}
              </div>
            )}
          </Card>
          <Card
            title="Action items"
            actions={
              doc.actionItems && doc.actionItems.length > 0 && can('tasks:read') ? (
                <Link className="btn btn-ghost btn-sm" href={`/app/tasks?document=${doc.id}`} data-testid="document-tasks-link">
                  See them on the board →
                </Link>
              ) : undefined
            }
          >
            {doc.actionItems && doc.actionItems.length > 0 ? (
              <ul className={styles.actions}>
                {doc.actionItems.map((a, i) => (
                  <li key={i}>
                    <span>{a.title}</span>
                    {a.ownerHint && <Badge tone="blue">{a.ownerHint}</Badge>}
                    {a.dueDate ? (
                      <Badge tone="amber">
                        <DueDate day={a.dueDate} />
                      </Badge>
                    ) : (
                      a.dueHint && <Badge tone="amber">due {a.dueHint}</Badge>
                    )}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{doc.actionItems ? 'No action items found.' : 'Not analysed yet.'}</p>
            )}
          </Card>
          <Card title={doc.transcript !== null ? 'Transcript' : 'Content'} flush>
            {content !== null ? <DocumentText text={content} highlight={marked} /> : <p className={`muted ${styles.padded}`}>No text extracted yet.</p>}
          </Card>
        </div>
        <div className={styles.detailSide}>
          <Card title="Verification">
            {doc.verification ? (
              <div className="stack" data-testid="verification">
                <div>
                  <Badge tone={doc.verification.passed ? 'green' : 'red'}>{doc.verification.passed ? 'Passed' : 'Failed'}</Badge>{' '}
                  {doc.verification.results.length > 0 && (
                    <span className="muted small">
                      {doc.verification.provider} · confidence {doc.verification.confidence.toFixed(2)}
                    </span>
                  )}
                </div>
                {doc.verification.results.length === 0 ? (
                  <p className="muted small">No rules are configured. Add them in Settings (AI).</p>
                ) : (
                  <ul className={styles.rules}>
                    {doc.verification.results.map((r, i) => (
                      <li key={i} className={r.passed ? styles.rulePass : styles.ruleFail}>
                        <Icon name={r.passed ? 'check' : 'x'} size={14} />
                        <div>
                          <div className={styles.ruleName}>{ruleName(r.rule)}</div>
                          <div className="muted small">{r.detail}</div>
                        </div>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            ) : (
              <p className="muted">Not verified yet.</p>
            )}
          </Card>
          <Card title="Pipeline" description="Each step with the provider that ran it, its latency and cost.">
            <StepTimeline steps={doc.steps} />
            {doc.processedAt && (
              <p className="muted small">
                Processed <Time value={doc.processedAt} />.
              </p>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
