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

export function SignInForm({ next }: { next: string }) {
  const hydrated = useHydrated();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
      await api('/api/auth/sign-in/email', { method: 'POST', body: { email, password } });
      reloadTo(next);
    } catch (err) {
      setError(describe(err));
      setBusy(false);
    }
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
      <p className="auth-switch">
        New to Reflex? <Link href={`/sign-up${query}`}>Create an account</Link>
      </p>
    </>
  );
}
