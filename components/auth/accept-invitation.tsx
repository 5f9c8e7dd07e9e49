'use client';

import Link from 'next/link';
import { useState } from 'react';
import { Alert, Badge, Spinner } from '@/components/ui';
import { api, ApiError, errorMessage, signOut } from '@/lib/ui/api';
import { reloadTo } from '@/lib/ui/navigate';
import type { InvitationPreview } from '@/lib/ui/types';
import { useResource } from '@/lib/ui/use-resource';

const STATUS_TEXT: Record<Exclude<InvitationPreview['status'], 'pending'>, string> = {
  accepted: 'This invitation has already been used.',
  revoked: 'This invitation was revoked. Ask for a new one.',
  expired: 'This invitation has expired. Ask for a new one.',
};

export function AcceptInvitation({ token, viewerEmail }: { token: string; viewerEmail: string | null }) {
  const preview = useResource<InvitationPreview>(`/api/v1/invitations/preview?token=${encodeURIComponent(token)}`);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [needsVerification, setNeedsVerification] = useState(false);
  const here = `/invite/${encodeURIComponent(token)}`;

  async function accept() {
    setBusy(true);
    setError(null);
    try {
      const { tenantId } = await api<{ tenantId: string }>('/api/v1/invitations/accept', { method: 'POST', body: { token } });
      await api('/api/v1/me/tenant', { method: 'POST', body: { tenantId } });
      reloadTo('/app');
    } catch (err) {
      setNeedsVerification(err instanceof ApiError && err.code === 'email_not_verified');
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  async function switchAccount() {
    await signOut().catch(() => undefined);
    reloadTo(`/sign-in?next=${encodeURIComponent(here)}`);
  }

  if (preview.loading) return <Spinner label="Loading invitation" />;
  if (preview.error || !preview.data) {
    return (
      <>
        <h1 className="auth-title">Invitation not found</h1>
        <Alert tone="error">{preview.error ?? 'This link is not valid.'} Check that you copied the whole link.</Alert>
      </>
    );
  }

  const inv = preview.data;
  const wrongAccount = viewerEmail !== null && viewerEmail.toLowerCase() !== inv.email.toLowerCase();
  return (
    <>
      <h1 className="auth-title">Join {inv.organization}</h1>
      <p className="auth-subtitle">You have been invited to Reflex.</p>
      <dl className="invite-facts" data-testid="invite-preview">
        <div>
          <dt>Organization</dt>
          <dd>{inv.organization}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>
            <Badge tone="brand">{inv.role}</Badge>
          </dd>
        </div>
        <div>
          <dt>For</dt>
          <dd>{inv.email}</dd>
        </div>
      </dl>
      {inv.status !== 'pending' ? (
        <Alert tone="warning">{STATUS_TEXT[inv.status]}</Alert>
      ) : viewerEmail === null ? (
        <div className="stack">
          <p className="muted">Create an account with {inv.email}, or sign in if you already have one, to accept.</p>
          <Link className="btn btn-primary btn-block" href={`/sign-up?next=${encodeURIComponent(here)}&email=${encodeURIComponent(inv.email)}`}>
            Create account
          </Link>
          <Link className="btn btn-secondary btn-block" href={`/sign-in?next=${encodeURIComponent(here)}`}>
            Sign in
          </Link>
        </div>
      ) : wrongAccount ? (
        <div className="stack">
          <Alert tone="warning" title="Different account">
            You are signed in as {viewerEmail}, but this invitation is for {inv.email}.
          </Alert>
          <button type="button" className="btn btn-secondary btn-block" onClick={switchAccount}>
            Sign in with another account
          </button>
        </div>
      ) : (
        <div className="stack">
          {error && <Alert tone="error">{error}</Alert>}
          {needsVerification && (
            <Link className="btn btn-secondary btn-block" href={`/verify-email?next=${encodeURIComponent(here)}`}>
              Verify your email address
            </Link>
          )}
          <button type="button" className="btn btn-primary btn-block" onClick={accept} disabled={busy}>
            {busy ? 'Joining…' : `Accept and join ${inv.organization}`}
          </button>
        </div>
      )}
    </>
  );
}
