'use client';

import { useState } from 'react';
import { Alert, Card } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import { reloadTo } from '@/lib/ui/navigate';

interface Challenge {
  confirm: string;
  expiresAt: string;
}

// DELETE /api/v1/tenant is two-step on the server (a confirmation token valid 10 minutes); typing the name on top
// of it guards against deleting the wrong organization from a tab left open.
export function DeleteOrganizationCard({ name }: { name: string }) {
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      setChallenge(await api<Challenge>('/api/v1/tenant', { method: 'DELETE' }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function erase() {
    if (!challenge) return;
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/tenant', { method: 'DELETE', body: { confirm: challenge.confirm } });
      reloadTo('/onboarding');
    } catch (err) {
      setError(errorMessage(err));
      setChallenge(null);
      setTyped('');
      setBusy(false);
    }
  }

  return (
    <Card title="Delete organization" description="Erases every document, task, conversation, member, API key, file and the audit log of this organization. It cannot be undone: export the organization first if you may need its data.">
      <div className="stack">
        {error && <Alert tone="error">{error}</Alert>}
        {challenge ? (
          <>
            <div className="field">
              <label htmlFor="delete-confirm-name">
                Type <strong>{name}</strong> to confirm
              </label>
              <input id="delete-confirm-name" className="input" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
              <span className="hint">This confirmation is valid for 10 minutes.</span>
            </div>
            <div className="form-actions">
              <button type="button" className="btn btn-ghost" disabled={busy} onClick={() => setChallenge(null)}>
                Cancel
              </button>
              <button type="button" className="btn btn-danger" disabled={busy || typed.trim() !== name} onClick={erase}>
                {busy ? 'Deleting…' : 'Delete this organization forever'}
              </button>
            </div>
          </>
        ) : (
          <div className="form-actions form-actions-start">
            <button type="button" className="btn btn-ghost-danger" disabled={busy} onClick={start}>
              Delete organization…
            </button>
          </div>
        )}
      </div>
    </Card>
  );
}
