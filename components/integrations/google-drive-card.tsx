'use client';

import { useEffect, useState } from 'react';
import { Time } from '@/components/time';
import { useToast } from '@/components/toast';
import { Alert, Badge, EmptyState, Spinner } from '@/components/ui';
import type { ConnectionView } from '@/lib/integrations/connections';
import type { DriveSyncView } from '@/lib/integrations/google-drive/settings';
import { api, errorMessage } from '@/lib/ui/api';
import { useResource } from '@/lib/ui/use-resource';

interface Folder {
  id: string;
  name: string;
}

// While a sync works through its pages the card refreshes itself; idle, it does not poll.
const POLL_MS = 3_000;

function SyncProgress({ view }: { view: DriveSyncView }) {
  if (view.running) {
    const percent = view.itemsTotal > 0 ? Math.min(100, Math.round((view.itemsDone / view.itemsTotal) * 100)) : 0;
    const what = view.phase === 'initial' ? 'First sync' : 'Syncing changes';
    return (
      <div className="stack" data-testid="drive-sync-progress">
        <span>
          {what}: {view.itemsDone.toLocaleString()} of {view.itemsTotal.toLocaleString()} files
          {view.phase === 'initial' ? ' found so far' : ''}
        </span>
        <progress className="export-progress" max={100} value={percent} aria-label={`Sync progress: ${percent}%`}>
          {percent}%
        </progress>
      </div>
    );
  }
  if (!view.lastSyncAt) return <span className="muted">Not synced yet.</span>;
  return (
    <span>
      Last synced <Time value={view.lastSyncAt} />
      {view.itemsSkipped > 0 ? ` · ${view.itemsSkipped.toLocaleString()} skipped` : ''}
    </span>
  );
}

function FolderPicker({ connectionId, picked, onSaved, onCancel }: { connectionId: string; picked: Folder[]; onSaved: (v: DriveSyncView) => void; onCancel: () => void }) {
  const [folders, setFolders] = useState<Folder[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Map<string, Folder>>(() => new Map(picked.map((f) => [f.id, f])));
  const [saving, setSaving] = useState(false);

  async function load(next: string | null) {
    setLoading(true);
    try {
      const page = await api<{ items: Folder[]; nextCursor: string | null }>(
        `/api/integrations/google-drive/connections/${connectionId}/folders${next ? `?cursor=${encodeURIComponent(next)}` : ''}`,
      );
      setFolders((prev) => (next ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    // Loading the first page on open is the point of the picker.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connectionId]);

  function toggle(folder: Folder) {
    setChosen((prev) => {
      const next = new Map(prev);
      if (next.has(folder.id)) next.delete(folder.id);
      else next.set(folder.id, folder);
      return next;
    });
  }

  async function save() {
    setSaving(true);
    try {
      onSaved(
        await api<DriveSyncView>(`/api/integrations/google-drive/connections/${connectionId}/folders`, {
          method: 'PUT',
          body: { folders: [...chosen.values()] },
        }),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <div className="stack" data-testid="drive-folder-picker">
      {error && <Alert tone="error">{error}</Alert>}
      {!error && folders.length === 0 && !loading && (
        <EmptyState icon="layers" title="No folders in this Google Drive">
          Create a folder in Google Drive, put the files Reflex should know in it, then come back.
        </EmptyState>
      )}
      {folders.length > 0 && (
        <ul className="stack" aria-label="Google Drive folders">
          {folders.map((f) => (
            <li key={f.id}>
              <label className="inline-check">
                <input type="checkbox" checked={chosen.has(f.id)} onChange={() => toggle(f)} /> {f.name}
              </label>
            </li>
          ))}
        </ul>
      )}
      {loading && <Spinner label="Loading folders" />}
      {cursor && !loading && (
        <div>
          <button type="button" className="btn btn-secondary" onClick={() => void load(cursor)}>
            Show more folders
          </button>
        </div>
      )}
      <span className="hint">Subfolders are included. Removing a folder removes the documents that came from it.</span>
      <div className="form-actions">
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" disabled={saving} onClick={() => void save()}>
          {saving ? 'Saving…' : `Sync ${chosen.size === 1 ? '1 folder' : `${chosen.size} folders`}`}
        </button>
      </div>
    </div>
  );
}

// What a Google Drive connection syncs, inside its row on /app/settings/integrations (the row itself shows the
// account, status, reconnect and disconnect): picked folders, sync progress, last sync, errors and skipped files,
// "Sync now".
export function GoogleDriveSettings({ connection }: { connection: ConnectionView }) {
  const toast = useToast();
  const path = `/api/integrations/google-drive/connections/${connection.id}/status`;
  const status = useResource<DriveSyncView>(path);
  const [picking, setPicking] = useState(false);
  const [syncing, setSyncing] = useState(false);
  const view = status.data;
  const { reload } = status;

  useEffect(() => {
    if (!view?.running) return;
    const timer = setInterval(() => void reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [view?.running, reload]);

  async function syncNow() {
    setSyncing(true);
    try {
      await api(`/api/integrations/google-drive/connections/${connection.id}/sync`, { method: 'POST' });
      toast('Sync started: new and changed files appear in Documents as they are processed.');
      await reload();
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setSyncing(false);
    }
  }

  const actions = view && !picking && (
    <div className="form-actions">
      <button type="button" className="btn btn-secondary" onClick={() => setPicking(true)}>
        {view.folders.length ? 'Change folders' : 'Choose folders'}
      </button>
      {view.folders.length > 0 && (
        <button type="button" className="btn btn-primary" disabled={syncing || view.running} onClick={() => void syncNow()}>
          {syncing ? 'Starting…' : 'Sync now'}
        </button>
      )}
    </div>
  );

  return (
    <section className="stack" aria-label="Google Drive folders and sync" data-testid="google-drive-settings">
      <p className="muted">Reflex reads the folders you choose, with their subfolders; it never changes anything in Drive.</p>
      {actions}
      {status.loading && <Spinner label="Loading Google Drive sync" />}
      {status.error && <Alert tone="error">{status.error}</Alert>}
      {view && picking && (
        <FolderPicker
          connectionId={connection.id}
          picked={view.folders}
          onCancel={() => setPicking(false)}
          onSaved={() => {
            setPicking(false);
            void reload();
          }}
        />
      )}
      {view && !picking && (
        <div className="stack">
          {view.folders.length === 0 ? (
            <EmptyState icon="layers" title="No folders chosen yet">
              Choose the Drive folders whose Docs, Sheets, PDFs and recordings Reflex should learn from.
            </EmptyState>
          ) : (
            <div className="stack">
              <div>
                {view.folders.map((f) => (
                  <Badge key={f.id} tone="blue">
                    {f.name}
                  </Badge>
                ))}
              </div>
              <SyncProgress view={view} />
              {!view.liveUpdates && view.lastSyncAt && <span className="hint">Changes are picked up every 15 minutes.</span>}
            </div>
          )}
          {view.lastError && <Alert tone="error">{view.lastError}</Alert>}
          {view.skipped.length > 0 && (
            <details>
              <summary>
                {view.skipped.length === 1 ? '1 file was skipped' : `${view.skipped.length} files were skipped`} (most recent first)
              </summary>
              <ul className="stack">
                {view.skipped.map((s) => (
                  <li key={`${s.name}-${s.at}`}>
                    <strong>{s.name}</strong>: {s.reason} <Time value={s.at} />
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </section>
  );
}
