'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { ConfirmButton } from '@/components/confirm-button';
import { useToast } from '@/components/toast';
import { Alert, Badge, Card } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import styles from './ops.module.css';

export function MaintenanceCard({ enabled, message, source }: { enabled: boolean; message: string; source: 'env' | 'operator' | 'off' }) {
  const router = useRouter();
  const toast = useToast();
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState('');

  async function set(on: boolean) {
    setError(null);
    try {
      await api('/api/ops/maintenance', { method: 'PUT', body: on && text.trim() ? { enabled: on, message: text.trim() } : { enabled: on } });
      toast(on ? 'Maintenance mode is on: writes are refused everywhere within seconds.' : 'Maintenance mode is off.');
      router.refresh();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <Card title="Maintenance mode" description="While on, every organization can read but not change anything; the status page says why." actions={enabled ? <Badge tone="amber">On</Badge> : <Badge tone="green">Off</Badge>}>
      {error && <Alert tone="error">{error}</Alert>}
      {source === 'env' ? (
        <Alert tone="info">MAINTENANCE_MODE is set in the environment, so it stays on until that is removed and the app restarted.</Alert>
      ) : enabled ? (
        <div className="stack">
          <p className="small">Showing: “{message}”</p>
          <div>
            <button type="button" className="btn btn-primary" onClick={() => void set(false)}>
              Switch off
            </button>
          </div>
        </div>
      ) : (
        <div className="stack">
          <label className="field">
            <span className="field-label">Message (optional)</span>
            <input className="input" value={text} maxLength={500} placeholder="Upgrading the database; back in 15 minutes." onChange={(e) => setText(e.target.value)} />
          </label>
          <div>
            <ConfirmButton label="Switch on" confirmLabel="Refuse all writes now" onConfirm={() => set(true)} />
          </div>
        </div>
      )}
    </Card>
  );
}

export function InfraCostForm({ defaultMonth }: { defaultMonth: string }) {
  const router = useRouter();
  const toast = useToast();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const dollars = Number(String(data.get('amount') ?? '').replace(/[$,\s]/g, ''));
    if (!Number.isFinite(dollars) || dollars < 0) {
      setError('Give the amount in dollars, such as 1250 or 1,250.50');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api('/api/ops/infra-costs', { method: 'PUT', body: { month: String(data.get('month') ?? ''), amountCents: Math.round(dollars * 100), note: String(data.get('note') ?? '') } });
      toast('Infrastructure cost saved; margins use it at once.');
      router.refresh();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="Infrastructure cost" description="The month's hosting, database, storage and bandwidth bill. Entering a month again replaces it.">
      {error && <Alert tone="error">{error}</Alert>}
      <form onSubmit={(e) => void submit(e)} className={styles.formGrid} data-testid="ops-infra-form">
        <label className="field">
          <span className="field-label">Month</span>
          <input className="input" type="month" name="month" required defaultValue={defaultMonth} />
        </label>
        <label className="field">
          <span className="field-label">Amount ($)</span>
          <input className="input" name="amount" inputMode="decimal" required placeholder="1,250.00" />
        </label>
        <label className="field">
          <span className="field-label">Note</span>
          <input className="input" name="note" maxLength={200} placeholder="Vercel + Neon + Blob" />
        </label>
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Card>
  );
}
