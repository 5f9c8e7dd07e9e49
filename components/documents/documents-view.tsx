'use client';

import { useCallback, useEffect, useMemo, useState } from 'react';
import { useCan } from '@/components/shell/me-context';
import { Alert, Card, EmptyState, PageHeader, Spinner } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import type { Page } from '@/lib/ui/types';
import styles from './documents.module.css';
import { DocumentsTable } from './documents-table';
import { statusLabel } from './status-badge';
import { DOCUMENT_STATUS_OPTIONS, isActive, type DocumentStatus, type DocumentSummary } from './types';
import { UploadZone } from './upload-zone';
import { useLiveRefresh } from './use-live';

const PAGE = 50;
const MAX_REFRESH = 100;

export function DocumentsView() {
  const can = useCan();
  const canRead = can('documents:read');
  const canWrite = can('documents:write');
  const [status, setStatus] = useState<DocumentStatus | ''>('');
  const [filter, setFilter] = useState('');
  const [items, setItems] = useState<DocumentSummary[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const path = useCallback(
    (limit: number, cursor?: string) => {
      const q = new URLSearchParams({ limit: String(limit) });
      if (status) q.set('status', status);
      if (cursor) q.set('cursor', cursor);
      return `/api/v1/documents?${q.toString()}`;
    },
    [status],
  );

  // Re-reads the first page (as many rows as are shown, up to MAX_REFRESH) so statuses stay current.
  const refresh = useCallback(async () => {
    if (!canRead) return;
    try {
      const page = await api<Page<DocumentSummary>>(path(Math.min(MAX_REFRESH, Math.max(PAGE, items.length))));
      setItems(page.items);
      setNextCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }, [canRead, path, items.length]);

  useEffect(() => {
    // Loading on mount and when the status filter changes is the point; state lands after the request.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void refresh();
    // Only the filter (through `path`) should trigger a reload here, not the row count.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path]);

  const active = items.some((d) => isActive(d.status));
  useLiveRefresh(() => void refresh(), active);

  async function loadMore() {
    if (!nextCursor) return;
    try {
      const page = await api<Page<DocumentSummary>>(path(PAGE, nextCursor));
      setItems((all) => [...all, ...page.items]);
      setNextCursor(page.nextCursor);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    if (!needle) return items;
    return items.filter((d) => [d.title, d.filename ?? '', d.category ?? '', ...d.tags].some((v) => v.toLowerCase().includes(needle)));
  }, [items, filter]);

  if (!canRead) {
    return (
      <>
        <PageHeader title="Documents" />
        <Alert tone="warning" title="No access">
          Viewing documents needs the documents:read permission.
        </Alert>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Documents" description="Everything your team uploads, turned into searchable, verified knowledge." />
      {canWrite && <UploadZone onUploaded={(doc) => setItems((all) => [doc, ...all.filter((d) => d.id !== doc.id)])} />}
      <Card
        title="All documents"
        flush
        actions={
          <div className={styles.filters}>
            <input
              className="input input-sm"
              placeholder="Filter by title, category or tag"
              aria-label="Filter documents"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            />
            <select
              className="input input-sm select"
              aria-label="Status"
              value={status}
              onChange={(e) => setStatus(DOCUMENT_STATUS_OPTIONS.find((s) => s === e.target.value) ?? '')}
            >
              <option value="">All statuses</option>
              {DOCUMENT_STATUS_OPTIONS.map((s) => (
                <option key={s} value={s}>
                  {statusLabel(s)}
                </option>
              ))}
            </select>
          </div>
        }
      >
        {error && <Alert tone="error">{error}</Alert>}
        {loading ? (
          <Spinner label="Loading documents" />
        ) : shown.length > 0 ? (
          <>
            <DocumentsTable documents={shown} />
            {nextCursor && (
              <div className={styles.more}>
                <button type="button" className="btn btn-secondary btn-sm" onClick={() => void loadMore()}>
                  Load more
                </button>
              </div>
            )}
          </>
        ) : (
          <EmptyState icon="file" title={items.length > 0 || status ? 'Nothing matches' : 'No documents yet'}>
            {items.length > 0 || status ? 'Try another filter.' : 'Upload a file or paste text above; it is processed in the background.'}
          </EmptyState>
        )}
      </Card>
    </>
  );
}
