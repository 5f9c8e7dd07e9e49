'use client';

import { useCallback, useEffect, useState } from 'react';
import { useCan } from '@/components/shell/me-context';
import { Alert, Card, EmptyState, PageHeader, Spinner } from '@/components/ui';
import type { AuditListEntry } from '@/lib/audit/display';
import { api, errorMessage } from '@/lib/ui/api';
import type { Member, Page } from '@/lib/ui/types';
import { useResource } from '@/lib/ui/use-resource';
import { AuditFilterForm, filterQuery, NO_FILTERS, type AuditFilters } from './audit-filters';
import { AuditTable } from './audit-table';
import { VerifyPanel } from './verify-panel';

interface AuditPage {
  items: AuditListEntry[];
  nextCursor: string | null;
}

const PAGE_SIZE = 50;

export function AuditView() {
  const can = useCan();
  const allowed = can('audit:read');
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const [entries, setEntries] = useState<AuditListEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(allowed);
  const [error, setError] = useState<string | null>(null);
  // People to filter by, when the viewer may list members; otherwise filtering by id remains.
  const members = useResource<Page<Member>>(allowed && can('members:read') ? '/api/v1/members?limit=100' : null);

  const load = useCallback(
    async (after: string | null) => {
      const q = filterQuery(filters);
      q.set('limit', String(PAGE_SIZE));
      if (after) q.set('cursor', after);
      setLoading(true);
      try {
        const page = await api<AuditPage>(`/api/v1/audit?${q.toString()}`);
        setEntries((prev) => (after ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setError(null);
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        setLoading(false);
      }
    },
    [filters],
  );

  useEffect(() => {
    if (!allowed) return;
    // Loading on mount and whenever the filters change is the point of this effect.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load(null);
  }, [allowed, load]);

  const header = (
    <PageHeader
      title="Audit log"
      description="A tamper-evident record of who did what, and when: every change, sign-in and refused request, hash-chained so that any edit or deletion shows."
      actions={
        allowed && (
          <div className="row-actions">
            <a className="btn btn-secondary btn-sm" href="/api/v1/audit/export?format=jsonl" download data-testid="audit-export-jsonl">
              Export JSONL
            </a>
            <a className="btn btn-secondary btn-sm" href="/api/v1/audit/export?format=csv" download data-testid="audit-export-csv">
              Export CSV
            </a>
          </div>
        )
      }
    />
  );

  if (!allowed) {
    return (
      <>
        {header}
        <Alert tone="warning" title="No access">
          Reading the audit log needs the audit:read permission.
        </Alert>
      </>
    );
  }

  return (
    <>
      {header}
      <Card title="Integrity" description="Recomputes every hash from the first entry and reports the first break, if any. The JSONL export carries what a third party needs to check it independently.">
        <VerifyPanel />
      </Card>
      <Card title="Filters">
        <AuditFilterForm value={filters} onApply={setFilters} people={members.data?.items ?? null} />
      </Card>
      <Card title="Entries" flush>
        {error && <Alert tone="error">{error}</Alert>}
        {entries.length > 0 && <AuditTable entries={entries} />}
        {loading && <Spinner label="Loading entries" />}
        {!loading && !error && entries.length === 0 && (
          <EmptyState icon="activity" title="No entries">
            {filterQuery(filters).toString() ? 'Nothing matches these filters.' : 'Changes, sign-ins and refused requests will appear here.'}
          </EmptyState>
        )}
        {cursor && !loading && (
          <div className="form-actions" style={{ padding: 12 }}>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => void load(cursor)}>
              Load older entries
            </button>
          </div>
        )}
      </Card>
    </>
  );
}
