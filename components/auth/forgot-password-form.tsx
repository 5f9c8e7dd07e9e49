'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import { useHydrated } from '@/lib/ui/use-hydrated';

export function ForgotPasswordForm() {
  const hydrated = useHydrated();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const email = String(new FormData(e.currentTarget).get('email') ?? '');
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/request-password-reset', { method: 'POST', body: { email, redirectTo: '/reset-password' } });
      setSentTo(email);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (sentTo) {
    return (
      <div className="auth-done" data-testid="reset-requested">
        <h1 className="auth-title">Check your email</h1>
        <Alert tone="success">
          If an account exists for {sentTo}, we have sent it a link to choose a new password. The link works once, for 30 minutes.
        </Alert>
        <p className="muted">No email after a few minutes? Check your spam folder, or ask again.</p>
        <Link className="btn btn-secondary btn-block" href="/sign-in">
          Back to sign in
        </Link>
      </div>
    );
  }

  return (
    <>
      <h1 className="auth-title">Forgot your password?</h1>
      <p className="auth-subtitle">Enter the email address of your account and we will send you a link to choose a new one.</p>
      <form className="stack" onSubmit={submit}>
        {error && <Alert tone="error">{error}</Alert>}
        <div className="field">
          <label htmlFor="email">Email</label>
          <input id="email" name="email" className="input" type="email" autoComplete="email" required />
        </div>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !hydrated}>
          {busy ? 'Sending…' : 'Send reset link'}
        </button>
      </form>
      <p className="auth-switch">
        Remembered it? <Link href="/sign-in">Sign in</Link>
      </p>
    </>
  );
}
