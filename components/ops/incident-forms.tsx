'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { ConfirmButton } from '@/components/confirm-button';
import { useToast } from '@/components/toast';
import { Alert, Card } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import styles from './ops.module.css';

export function NewIncidentForm() {
  const router = useRouter();
  const toast = useToast();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    setBusy(true);
    setError(null);
    try {
      await api('/api/ops/incidents', { method: 'POST', body: { state: 'open', component: String(data.get('component') ?? ''), title: String(data.get('title') ?? ''), detail: String(data.get('detail') ?? '') } });
      form.reset();
      toast('Incident posted on the status page.');
      router.refresh();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="Post an incident" description="Shown at once on the public status page. Platform words only: never an organization's name or data.">
      {error && <Alert tone="error">{error}</Alert>}
      <form onSubmit={(e) => void submit(e)} className="stack">
        <div className={styles.incidentGrid}>
          <label className="field">
            <span className="field-label">Component</span>
            <input className="input" name="component" required maxLength={64} placeholder="api, documents, assistant…" />
          </label>
          <label className="field">
            <span className="field-label">Title</span>
            <input className="input" name="title" required maxLength={140} placeholder="Slow document processing" />
          </label>
        </div>
        <label className="field">
          <span className="field-label">What we know</span>
          <textarea className="input" name="detail" rows={3} maxLength={500} placeholder="Investigating; uploads are queued and will be processed." />
        </label>
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Posting…' : 'Post incident'}
          </button>
        </div>
      </form>
    </Card>
  );
}

export function OpenIncidentActions({ id, component, title, detail }: { id: string; component: string; title: string; detail: string }) {
  const router = useRouter();
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState({ title, detail });

  async function run(what: () => Promise<unknown>, done: string) {
    setError(null);
    try {
      await what();
      toast(done);
      setEditing(false);
      router.refresh();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <div className="stack">
      {error && <Alert tone="error">{error}</Alert>}
      {editing ? (
        <div className="stack">
          <input className="input" value={draft.title} maxLength={140} aria-label="Title" onChange={(e) => setDraft((d) => ({ ...d, title: e.target.value }))} />
          <textarea className="input" rows={3} value={draft.detail} maxLength={500} aria-label="What we know" onChange={(e) => setDraft((d) => ({ ...d, detail: e.target.value }))} />
          <span className="row-actions">
            <button type="button" className="btn btn-sm btn-primary" onClick={() => void run(() => api(`/api/ops/incidents/${id}`, { method: 'PATCH', body: draft }), 'Incident updated.')}>
              Save update
            </button>
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </span>
        </div>
      ) : (
        <span className="row-actions">
          <button type="button" className="btn btn-sm btn-secondary" onClick={() => setEditing(true)}>
            Post an update
          </button>
          <ConfirmButton label="Resolve" confirmLabel="Mark resolved" tone="neutral" onConfirm={() => run(() => api('/api/ops/incidents', { method: 'POST', body: { state: 'resolved', component } }), 'Incident resolved.')} />
        </span>
      )}
    </div>
  );
}
