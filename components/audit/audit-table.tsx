'use client';

import { Badge, type BadgeTone } from '@/components/ui';
import { Time } from '@/components/time';
import type { AuditListEntry } from '@/lib/audit/display';
import type { AuditEntry } from '@/lib/audit/query';
import { formatDateTime } from '@/lib/ui/format';

const OUTCOME_TONE: Record<AuditEntry['outcome'], BadgeTone> = { success: 'green', denied: 'red', failure: 'amber' };
const OUTCOME_TEXT: Record<AuditEntry['outcome'], string> = { success: 'Done', denied: 'Refused', failure: 'Failed' };

// Every value is rendered as text by React, so a crafted user agent or label shows as what it is. The words come
// from the server (display); the raw action, ids and hashes stay one click away for an investigation.
export function AuditTable({ entries }: { entries: AuditListEntry[] }) {
  return (
    <div className="table-wrap">
      <table className="table table-responsive">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>Outcome</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="audit-row">
              <td data-label="When" className="nowrap">
                <div>
                  <Time value={e.occurredAt} />
                </div>
                <div className="muted small">{formatDateTime(e.occurredAt)}</div>
              </td>
              <td data-label="Who">
                <div className="person-name">{e.display.actor}</div>
                {e.display.actorDetail && <div className="muted small">{e.display.actorDetail}</div>}
              </td>
              <td data-label="What">
                <div data-testid="audit-action" title={e.action}>
                  {e.display.action}
                </div>
                {e.display.target && <div className="muted small">{e.display.target}</div>}
              </td>
              <td data-label="Outcome">
                <Badge tone={OUTCOME_TONE[e.outcome]}>{OUTCOME_TEXT[e.outcome]}</Badge>
              </td>
              <td data-label="Details" className="small">
                <details>
                  <summary>{e.erasedAt ? 'Erased' : 'More'}</summary>
                  <dl className="stack small">
                    <div>
                      <dt className="muted">Entry</dt>
                      <dd className="mono">
                        #{e.seq} · {e.action}
                        {e.target ? ` · ${e.target.type}${e.target.id ? ` ${e.target.id}` : ''}` : ''}
                      </dd>
                    </div>
                    <div>
                      <dt className="muted">From</dt>
                      <dd>
                        {e.ip ?? '—'} · {e.userAgent ?? '—'}
                      </dd>
                    </div>
                    <div>
                      <dt className="muted">Request</dt>
                      <dd className="mono">{e.requestId ?? '—'}</dd>
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
