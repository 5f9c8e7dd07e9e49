'use client';

import { Badge, type BadgeTone } from '@/components/ui';
import type { AuditEntry } from '@/lib/audit/query';

const OUTCOME_TONE: Record<AuditEntry['outcome'], BadgeTone> = { success: 'green', denied: 'red', failure: 'amber' };
const TIME = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });

function actorText(e: AuditEntry): string {
  if (e.actor.label) return e.actor.label;
  if (e.actor.id) return e.actor.type === 'api_key' ? `API key ${e.actor.id.slice(0, 8)}` : e.actor.id;
  return e.actor.ref ? `erased (${e.actor.ref.slice(0, 10)}…)` : '—';
}

// Every value is rendered as text by React, so a crafted user agent or label shows as what it is.
export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <div className="table-wrap">
      <table className="table table-responsive">
        <thead>
          <tr>
            <th>#</th>
            <th>Time (UTC)</th>
            <th>Actor</th>
            <th>Action</th>
            <th>Outcome</th>
            <th>Target</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="audit-row">
              <td data-label="#" className="mono small">
                {e.seq}
              </td>
              <td data-label="Time (UTC)" className="nowrap">
                <time dateTime={e.occurredAt}>{TIME.format(new Date(e.occurredAt))}</time>
              </td>
              <td data-label="Actor">
                <div>{actorText(e)}</div>
                <div className="muted small">{e.actor.type === 'api_key' ? 'API key' : e.actor.type}</div>
              </td>
              <td data-label="Action" className="mono small">
                {e.action}
              </td>
              <td data-label="Outcome">
                <Badge tone={OUTCOME_TONE[e.outcome]}>{e.outcome}</Badge>
              </td>
              <td data-label="Target" className="small">
                {e.target ? (
                  <>
                    <div>{e.target.type}</div>
                    {e.target.id && <div className="mono muted">{e.target.id}</div>}
                  </>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td data-label="Details" className="small">
                <details>
                  <summary>{e.ip ?? (e.erasedAt ? 'erased' : 'more')}</summary>
                  <dl className="stack small">
                    <div>
                      <dt className="muted">Request</dt>
                      <dd className="mono">{e.requestId ?? '—'}</dd>
                    </div>
                    <div>
                      <dt className="muted">User agent</dt>
                      <dd>{e.userAgent ?? '—'}</dd>
                    </div>
                    <div>
                      <dt className="muted">Metadata</dt>
                      <dd>
                        <pre className="mono small">{JSON.stringify(e.metadata, null, 2)}</pre>
                      </dd>
                    </div>
                    <div>
                      <dt className="muted">Hash</dt>
                      <dd className="mono" title={`previous: ${e.prevHash}`}>
                        {e.hash}
                      </dd>
                    </div>
                  </dl>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
