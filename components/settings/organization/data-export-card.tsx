'use client';

import { useEffect, useState } from 'react';
import { useCan } from '@/components/shell/me-context';
import { Time } from '@/components/time';
import { useToast } from '@/components/toast';
import { Badge, Card, Spinner, type BadgeTone } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import { formatBytes, pluralize } from '@/lib/ui/format';
import type { PrivacyExport } from '@/lib/ui/types';
import { useResource } from '@/lib/ui/use-resource';

const POLL_MS = 1500;

const STATUS: Record<PrivacyExport['status'], { label: string; tone: BadgeTone }> = {
  queued: { label: 'Queued', tone: 'gray' },
  building: { label: 'Building', tone: 'blue' },
  ready: { label: 'Ready', tone: 'green' },
  failed: { label: 'Failed', tone: 'red' },
};

function ExportRow({ item }: { item: PrivacyExport }) {
  const status = STATUS[item.status];
  const working = item.status === 'queued' || item.status === 'building';
  return (
    <li className="export-row" data-testid="export-row">
      <div className="export-main">
        <strong>{item.scope === 'tenant' ? 'Whole organization' : 'Your data'}</strong>
        <span className="muted small">
          Requested <Time value={item.createdAt} />
          {item.status === 'ready' && item.sizeBytes !== null && ` · ${formatBytes(item.sizeBytes)}, ${pluralize(item.items, 'record')}`}
          {item.status === 'ready' && <> · link expires <Time value={item.expiresAt} /></>}
        </span>
        {working && (
          <progress className="export-progress" max={100} value={item.progress.percent} aria-label={`Export progress: ${item.progress.percent}%`}>
            {item.progress.percent}%
          </progress>
        )}
        {item.error && <span className="hint hint-error">{item.error}</span>}
      </div>
      <div className="export-side">
        <Badge tone={status.tone}>{working ? `${status.label} · ${item.progress.percent}%` : status.label}</Badge>
        {item.downloadUrl && (
          <a className="btn btn-secondary btn-sm" href={item.downloadUrl} download>
            Download
          </a>
        )}
      </div>
    </li>
  );
}

// GDPR data export: requested here, built in the background (one pipeline step per section) and polled while
// in progress; the archive is JSON Lines and its link lasts 7 days.
export function DataExportCard() {
  const can = useCan();
  const toast = useToast();
  const exports = useResource<{ items: PrivacyExport[] }>('/api/v1/privacy/exports');
  const [busy, setBusy] = useState(false);
  const inProgress = exports.data?.items.some((e) => e.status === 'queued' || e.status === 'building') ?? false;
  const { reload } = exports;

  useEffect(() => {
    if (!inProgress) return;
    const timer = setInterval(() => void reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [inProgress, reload]);

  async function request(scope: 'me' | 'tenant') {
    setBusy(true);
    try {
      await api('/api/v1/privacy/exports', { method: 'POST', body: { scope } });
      toast(scope === 'tenant' ? 'Export of the organization started' : 'Export of your data started');
      await reload();
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card
      title="Data export"
      description="A machine-readable copy (JSON Lines) for GDPR requests or to move elsewhere. Passwords and API key secrets are never included. Downloads are available for 7 days."
    >
      <div className="stack">
        <div className="form-actions form-actions-start">
          {can('privacy:export') && (
            <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => request('me')}>
              Export my data
            </button>
          )}
          {can('privacy:manage') && (
            <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => request('tenant')}>
              Export the whole organization
            </button>
          )}
        </div>
        {exports.error && <span className="hint hint-error">{exports.error}</span>}
        {exports.loading ? (
          <Spinner label="Loading exports" />
        ) : exports.data && exports.data.items.length > 0 ? (
          <ul className="export-list">
            {exports.data.items.map((item) => (
              <ExportRow key={item.id} item={item} />
            ))}
          </ul>
        ) : (
          <p className="muted small">No exports in the last 7 days.</p>
        )}
      </div>
    </Card>
  );
}
