'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui';
import { api, ApiError, errorMessage } from '@/lib/ui/api';
import { useHydrated } from '@/lib/ui/use-hydrated';

const MIN_PASSWORD = 10;

function describe(err: unknown): string {
  if (err instanceof ApiError && err.code === 'INVALID_TOKEN') return 'This link has expired or was already used. Ask for a new one.';
  return errorMessage(err);
}

// Reached from the emailed link: better-auth checks the token and redirects here with it, or with ?error=INVALID_TOKEN.
export function ResetPasswordForm({ token, linkError }: { token: string | null; linkError: string | null }) {
  const hydrated = useHydrated();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const newPassword = String(form.get('password') ?? '');
    if (newPassword.length < MIN_PASSWORD) return setError(`Use at least ${MIN_PASSWORD} characters for your password.`);
    if (newPassword !== String(form.get('confirm') ?? '')) return setError('The two passwords are not the same.');
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/reset-password', { method: 'POST', body: { token, newPassword } });
      setDone(true);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <div className="auth-done" data-testid="reset-done">
        <h1 className="auth-title">Password changed</h1>
        <Alert tone="success">Your new password is set, and every session of your account was signed out.</Alert>
        <Link className="btn btn-primary btn-block" href="/sign-in">
          Sign in
        </Link>
      </div>
    );
  }

  if (!token || linkError) {
    return (
      <div className="auth-done">
        <h1 className="auth-title">This link does not work</h1>
        <Alert tone="error">Password reset links work once, for 30 minutes. This one has expired, was already used, or was not copied whole.</Alert>
        <Link className="btn btn-primary btn-block" href="/forgot-password">
          Send a new link
        </Link>
      </div>
    );
  }

  return (
    <>
      <h1 className="auth-title">Choose a new password</h1>
      <p className="auth-subtitle">Changing your password signs you out on every device.</p>
      <form className="stack" onSubmit={submit}>
        {error && <Alert tone="error">{error}</Alert>}
        <div className="field">
          <label htmlFor="password">New password</label>
          <input id="password" name="password" className="input" type="password" autoComplete="new-password" minLength={MIN_PASSWORD} maxLength={128} required />
          <span className="hint">At least {MIN_PASSWORD} characters.</span>
        </div>
        <div className="field">
          <label htmlFor="confirm">Repeat the new password</label>
          <input id="confirm" name="confirm" className="input" type="password" autoComplete="new-password" maxLength={128} required />
        </div>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !hydrated}>
          {busy ? 'Saving…' : 'Set new password'}
        </button>
      </form>
    </>
  );
}
