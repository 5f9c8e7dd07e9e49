'use client';

import Link from 'next/link';
import { useState } from 'react';
import { Alert } from '@/components/ui';
import { api, errorMessage, signOut } from '@/lib/ui/api';
import { reloadTo } from '@/lib/ui/navigate';

const LINK_ERRORS: Record<string, string> = {
  TOKEN_EXPIRED: 'This verification link has expired. Send a new one below.',
  INVALID_TOKEN: 'This verification link is not valid. Send a new one below.',
  USER_NOT_FOUND: 'This link belongs to an account that no longer exists.',
};

export interface VerifyEmailState {
  /** The signed-in user's address, when there is a session. */
  email: string | null;
  verified: boolean;
  /** better-auth's ?error= from an expired or broken link. */
  linkError: string | null;
  /** Where to continue once verified. */
  next: string;
  /** The organization's policy sent them here. */
  required: boolean;
}

export function VerifyEmailPanel({ state }: { state: VerifyEmailState }) {
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function resend() {
    if (!state.email) return;
    setBusy(true);
    setError(null);
    try {
      const callbackURL = `/verify-email?verified=1&next=${encodeURIComponent(state.next)}`;
      await api('/api/auth/send-verification-email', { method: 'POST', body: { email: state.email, callbackURL } });
      setSent(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (state.verified && !state.linkError) {
    return (
      <div className="auth-done" data-testid="email-verified">
        <h1 className="auth-title">Email address confirmed</h1>
        <Alert tone="success">{state.email ? `${state.email} is verified.` : 'Your email address is verified.'} You can join organizations you are invited to.</Alert>
        <Link className="btn btn-primary btn-block" href={state.email ? state.next : `/sign-in?next=${encodeURIComponent(state.next)}`}>
          {state.email ? 'Continue' : 'Sign in'}
        </Link>
      </div>
    );
  }

  return (
    <div className="auth-done">
      <h1 className="auth-title">Confirm your email address</h1>
      {state.linkError && <Alert tone="error">{LINK_ERRORS[state.linkError] ?? 'This verification link does not work. Send a new one below.'}</Alert>}
      {state.required && <Alert tone="warning">Your organization requires a verified email address before you continue.</Alert>}
      {state.email ? (
        <>
          <p className="muted">
            We sent a link to <strong>{state.email}</strong>. Open it to confirm that the address is yours. The link works for 24 hours.
          </p>
          {sent && <Alert tone="success">A new link is on its way to {state.email}.</Alert>}
          {error && <Alert tone="error">{error}</Alert>}
          <button type="button" className="btn btn-primary btn-block" onClick={resend} disabled={busy || sent}>
            {busy ? 'Sending…' : sent ? 'Link sent' : 'Send a new link'}
          </button>
          <button type="button" className="btn btn-ghost btn-block" onClick={() => void signOut().finally(() => reloadTo('/sign-in'))}>
            Sign in with another account
          </button>
        </>
      ) : (
        <Link className="btn btn-primary btn-block" href={`/sign-in?next=${encodeURIComponent('/verify-email')}`}>
          Sign in to send a new link
        </Link>
      )}
    </div>
  );
}
