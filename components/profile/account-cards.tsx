'use client';

import { useState, type FormEvent } from 'react';
import { useMe } from '@/components/shell/me-context';
import { useToast } from '@/components/toast';
import { Alert, Badge, Card } from '@/components/ui';
import { api, ApiError, errorMessage } from '@/lib/ui/api';
import { reloadTo } from '@/lib/ui/navigate';

const MIN_PASSWORD = 10;

export function NameCard() {
  const me = useMe();
  const toast = useToast();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get('name') ?? '').trim();
    setBusy(true);
    try {
      await api('/api/auth/update-user', { method: 'POST', body: { name } });
      reloadTo('/app/profile');
    } catch (err) {
      toast(errorMessage(err), 'error');
      setBusy(false);
    }
  }

  return (
    <Card title="Name" description="How you appear to your teammates and in the audit log.">
      <form className="inline-form" onSubmit={submit}>
        <div className="field field-grow">
          <label htmlFor="profile-name">Full name</label>
          <input id="profile-name" name="name" className="input" defaultValue={me.user?.name ?? ''} required minLength={1} maxLength={100} autoComplete="name" />
        </div>
        <button type="submit" className="btn btn-secondary" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </form>
    </Card>
  );
}

export function EmailCard() {
  const me = useMe();
  const user = me.user;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [asked, setAsked] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const newEmail = String(new FormData(e.currentTarget).get('newEmail') ?? '').trim();
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/change-email', { method: 'POST', body: { newEmail, callbackURL: '/app/profile' } });
      setAsked(newEmail);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (!user) return null;
  return (
    <Card title="Email address" description="Where sign-in links, invitations and password resets go.">
      <div className="stack">
        <div className="status-line">
          <strong>{user.email}</strong>
          {user.emailVerified ? <Badge tone="green">Verified</Badge> : <Badge tone="amber">Not verified</Badge>}
          {!user.emailVerified && (
            <a className="small" href="/verify-email">
              Verify now
            </a>
          )}
        </div>
        {asked ? (
          <Alert tone="info" title="Check your inbox">
            {user.emailVerified
              ? `We sent a confirmation link to ${user.email}. Once you confirm there, we send a link to ${asked}; the change happens when you open it.`
              : `We sent a link to ${asked}; the change happens when you open it.`}
          </Alert>
        ) : (
          <form className="inline-form" onSubmit={submit}>
            <div className="field field-grow">
              <label htmlFor="profile-new-email">New email address</label>
              <input id="profile-new-email" name="newEmail" className="input" type="email" required autoComplete="email" />
            </div>
            <button type="submit" className="btn btn-secondary" disabled={busy}>
              {busy ? 'Sending…' : 'Change email'}
            </button>
          </form>
        )}
        {error && <Alert tone="error">{error}</Alert>}
      </div>
    </Card>
  );
}

export function PasswordCard() {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const currentPassword = String(data.get('currentPassword') ?? '');
    const newPassword = String(data.get('newPassword') ?? '');
    if (newPassword.length < MIN_PASSWORD) return setError(`Use at least ${MIN_PASSWORD} characters for your password.`);
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/change-password', { method: 'POST', body: { currentPassword, newPassword, revokeOtherSessions: true } });
      form.reset();
      toast('Password changed. Your other sessions were signed out.');
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'INVALID_PASSWORD' ? 'Your current password is not right.' : errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="Password" description="Changing it signs you out everywhere else.">
      <form className="stack" onSubmit={submit}>
        {error && <Alert tone="error">{error}</Alert>}
        <div className="field">
          <label htmlFor="current-password">Current password</label>
          <input id="current-password" name="currentPassword" className="input" type="password" autoComplete="current-password" required />
        </div>
        <div className="field">
          <label htmlFor="new-password">New password</label>
          <input id="new-password" name="newPassword" className="input" type="password" autoComplete="new-password" minLength={MIN_PASSWORD} maxLength={128} required />
          <span className="hint">At least {MIN_PASSWORD} characters.</span>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-secondary" disabled={busy}>
            {busy ? 'Saving…' : 'Change password'}
          </button>
        </div>
      </form>
    </Card>
  );
}
