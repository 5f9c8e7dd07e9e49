'use client';

import { useState } from 'react';
import { Alert } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import type { ConnectionView } from '@/lib/integrations/connections';

// Disconnecting asks what happens to what the connection synced: kept as ordinary documents and tasks, or deleted.
export function DisconnectPanel({ connection, label, onDone, onCancel }: { connection: ConnectionView; label: string; onDone: (message: string) => Promise<void>; onCancel: () => void }) {
  const [content, setContent] = useState<'keep' | 'delete'>('keep');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const items = connection.itemsSynced;

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ revokedAtProvider: boolean; contentDeleted: number }>(`/api/v1/integrations/${connection.id}/disconnect`, { method: 'POST', body: { content } });
      const deleted = content === 'delete' ? ` and deleted ${res.contentDeleted} synced ${res.contentDeleted === 1 ? 'item' : 'items'}` : '';
      await onDone(`Disconnected ${connection.externalAccountName}${deleted}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <div className="stack" data-testid="disconnect-panel">
      <p>
        Reflex asks {label} to revoke its access and forgets its tokens right away. What about what it synced from <strong>{connection.externalAccountName}</strong>?
      </p>
      <div className="policy-options" role="radiogroup" aria-label="What happens to synced content">
        <label className="policy-option">
          <input type="radio" name={`content-${connection.id}`} value="keep" checked={content === 'keep'} onChange={() => setContent('keep')} />
          <div>
            <strong>Keep it</strong>
            <span>Documents and tasks stay in Reflex; they just stop updating.</span>
          </div>
        </label>
        <label className="policy-option">
          <input type="radio" name={`content-${connection.id}`} value="delete" checked={content === 'delete'} onChange={() => setContent('delete')} />
          <div>
            <strong>Delete it</strong>
            <span>{items > 0 ? `Everything this connection brought in goes (it has synced ${items} ${items === 1 ? 'item' : 'items'}).` : 'Everything this connection brought in goes.'} This cannot be undone.</span>
          </div>
        </label>
      </div>
      {error && <Alert tone="error">{error}</Alert>}
      <div className="form-actions">
        <button type="button" className="btn btn-secondary" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" disabled={busy} onClick={submit}>
          {busy ? 'Disconnecting…' : content === 'delete' ? 'Disconnect and delete' : 'Disconnect'}
        </button>
      </div>
    </div>
  );
}
