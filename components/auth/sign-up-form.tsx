'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { useHydrated } from '@/lib/ui/use-hydrated';
import { Alert } from '@/components/ui';
import { LengthHint, tooLong } from '@/components/length-hint';
import { LIMITS } from '@/lib/validation/text';
import { api, ApiError, errorMessage } from '@/lib/ui/api';
import { reloadTo } from '@/lib/ui/navigate';

const MIN_PASSWORD = 10;

function describe(err: unknown): string {
  if (err instanceof ApiError && err.code === 'USER_ALREADY_EXISTS') return 'An account with this email already exists. Sign in instead.';
  return errorMessage(err);
}

export function SignUpForm({ next, email: presetEmail }: { next: string | null; email?: string }) {
  const hydrated = useHydrated();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const query = next ? `?next=${encodeURIComponent(next)}` : '';

  // Values come from the form itself, so what was typed before hydration is never lost.
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const fullName = String(form.get('name') ?? '').trim();
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    if (password.length < MIN_PASSWORD) return setError(`Use at least ${MIN_PASSWORD} characters for your password.`);
    if (fullName.length > LIMITS.personName) return setError(`Your name must be at most ${LIMITS.personName} characters.`);
    setBusy(true);
    setError(null);
    try {
      // The verification email's link comes back to /verify-email, which then continues where the person was going.
      const callbackURL = `/verify-email?verified=1${next ? `&next=${encodeURIComponent(next)}` : ''}`;
      await api('/api/auth/sign-up/email', { method: 'POST', body: { name: fullName, email, password, callbackURL } });
      reloadTo(next ?? '/onboarding');
    } catch (err) {
      setError(describe(err));
      setBusy(false);
    }
  }

  return (
    <>
      <h1 className="auth-title">Create your account</h1>
      <p className="auth-subtitle">Start with your own organization, or join one you were invited to.</p>
      <form className="stack" onSubmit={submit}>
        {error && <Alert tone="error">{error}</Alert>}
        <div className="field">
          <label htmlFor="name">Full name</label>
          <input
            id="name"
            name="name"
            className="input"
            autoComplete="name"
            required
            aria-describedby="name-hint"
            aria-invalid={tooLong(name, LIMITS.personName)}
            onChange={(e) => setName(e.target.value)}
          />
          <LengthHint id="name-hint" value={name} max={LIMITS.personName} label="Name" />
        </div>
        <div className="field">
          <label htmlFor="email">Work email</label>
          <input id="email" name="email" className="input" type="email" autoComplete="email" required defaultValue={presetEmail ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            className="input"
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD}
            maxLength={128}
          />
          <span className="hint">At least {MIN_PASSWORD} characters.</span>
        </div>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !hydrated}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <p className="auth-switch">
        Already have an account? <Link href={`/sign-in${query}`}>Sign in</Link>
      </p>
    </>
  );
}
