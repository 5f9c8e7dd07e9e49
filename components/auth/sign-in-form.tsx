'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { useHydrated } from '@/lib/ui/use-hydrated';
import { Alert } from '@/components/ui';
import { api, ApiError, errorMessage } from '@/lib/ui/api';
import { reloadTo } from '@/lib/ui/navigate';

function describe(err: unknown): string {
  if (err instanceof ApiError && err.status === 401) return 'Wrong email or password.';
  return errorMessage(err);
}

function ssoRequired(err: unknown): boolean {
  const details = err instanceof ApiError ? err.details : null;
  return typeof details === 'object' && details !== null && 'reason' in details && details.reason === 'sso_required';
}

function describeCode(err: unknown): string {
  if (err instanceof ApiError && err.code === 'INVALID_TWO_FACTOR_COOKIE') return 'This sign-in took too long. Start again with your password.';
  if (err instanceof ApiError && err.status === 401) return 'That code is not right. Try the current one from your app.';
  return errorMessage(err);
}

export function SignInForm({ next, initialSso = false }: { next: string; initialSso?: boolean }) {
  const hydrated = useHydrated();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<'password' | 'totp' | 'backup' | 'sso'>(initialSso ? 'sso' : 'password');
  const query = next === '/app' ? '' : `?next=${encodeURIComponent(next)}`;

  // Values come from the form itself, so what was typed before hydration is never lost.
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ twoFactorRedirect?: boolean }>('/api/auth/sign-in/email', { method: 'POST', body: { email, password } });
      if (res.twoFactorRedirect) {
        setStep('totp');
        setBusy(false);
        return;
      }
      reloadTo(next);
    } catch (err) {
      if (ssoRequired(err)) {
        setStep('sso');
        setError(errorMessage(err));
      } else {
        setError(describe(err));
      }
      setBusy(false);
    }
  }

  // Single sign-on: the address's domain tells which organization and identity provider (POST /api/sso/discover).
  async function submitSso(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const email = String(new FormData(e.currentTarget).get('email') ?? '').trim();
    setBusy(true);
    setError(null);
    try {
      const found = await api<{ sso: boolean; startUrl: string | null }>('/api/sso/discover', { method: 'POST', body: { email, next } });
      if (found.sso && found.startUrl) {
        reloadTo(found.startUrl);
        return;
      }
      setError('Single sign-on is not set up for this address. Sign in with your password instead, or ask your administrator.');
    } catch (err) {
      setError(errorMessage(err));
    }
    setBusy(false);
  }

  async function submitCode(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget).get('code') ?? '').trim();
    setBusy(true);
    setError(null);
    try {
      const path = step === 'totp' ? '/api/auth/two-factor/verify-totp' : '/api/auth/two-factor/verify-backup-code';
      await api(path, { method: 'POST', body: { code } });
      reloadTo(next);
    } catch (err) {
      setError(describeCode(err));
      setBusy(false);
    }
  }

  if (step === 'sso') {
    return (
      <>
        <h1 className="auth-title">Sign in with SSO</h1>
        <p className="auth-subtitle">Enter your work email. We&apos;ll send you to your organization&apos;s identity provider.</p>
        <form className="stack" onSubmit={submitSso}>
          {error && <Alert tone="error">{error}</Alert>}
          <div className="field">
            <label htmlFor="sso-email">Work email</label>
            <input id="sso-email" name="email" className="input" type="email" autoComplete="email" required autoFocus />
          </div>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy || !hydrated}>
            {busy ? 'Finding your organization…' : 'Continue with SSO'}
          </button>
        </form>
        <p className="auth-switch">
          <button type="button" className="link-button" onClick={() => { setError(null); setStep('password'); }}>
            Sign in with a password instead
          </button>
        </p>
      </>
    );
  }

  if (step !== 'password') {
    const totp = step === 'totp';
    return (
      <>
        <h1 className="auth-title">Two-factor authentication</h1>
        <p className="auth-subtitle">
          {totp ? 'Enter the 6-digit code from your authenticator app.' : 'Enter one of the backup codes you saved when you set up two-factor authentication. Each works once.'}
        </p>
        <form className="stack" onSubmit={submitCode} key={step}>
          {error && <Alert tone="error">{error}</Alert>}
          <div className="field">
            <label htmlFor="code">{totp ? 'Authentication code' : 'Backup code'}</label>
            <input
              id="code"
              name="code"
              className="input mono"
              autoComplete="one-time-code"
              inputMode={totp ? 'numeric' : 'text'}
              pattern={totp ? '[0-9]{6}' : undefined}
              maxLength={totp ? 6 : 20}
              required
              autoFocus
            />
          </div>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? 'Checking…' : 'Verify and sign in'}
          </button>
        </form>
        <p className="auth-switch">
          <button type="button" className="link-button" onClick={() => { setError(null); setStep(totp ? 'backup' : 'totp'); }}>
            {totp ? 'Use a backup code instead' : 'Use your authenticator app instead'}
          </button>
        </p>
      </>
    );
  }

  return (
    <>
      <h1 className="auth-title">Sign in</h1>
      <p className="auth-subtitle">Welcome back. Sign in to your Reflex account.</p>
      <form className="stack" onSubmit={submit}>
        {error && <Alert tone="error">{error}</Alert>}
        <div className="field">
          <label htmlFor="email">Email</label>
          <input id="email" name="email" className="input" type="email" autoComplete="email" required />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            className="input"
            type="password"
            autoComplete="current-password"
            required
          />
        </div>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !hydrated}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <div className="sso-alt">
        <button type="button" className="btn btn-secondary btn-block" onClick={() => { setError(null); setStep('sso'); }}>
          Sign in with SSO
        </button>
      </div>
      <p className="auth-switch">
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
      <p className="auth-switch">
        New to Reflex? <Link href={`/sign-up${query}`}>Create an account</Link>
      </p>
    </>
  );
}
