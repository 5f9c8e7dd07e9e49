import type { Metadata } from 'next';
import Link from 'next/link';
import { Alert } from '@/components/ui';
import { isFailureReason, SSO_FAILURE_MESSAGES } from '@/lib/sso/failure';

export const metadata: Metadata = { title: 'Single sign-on failed' };

// Where every refused SSO sign-in lands (lib/sso/browser.ts): the reason in words, and the ways forward. The
// details (which claim, which IdP answer) are in the organization's audit log and the server log, not here.
export default async function SsoErrorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).reason;
  const reason = typeof raw === 'string' && isFailureReason(raw) ? raw : null;
  return (
    <>
      <h1 className="auth-title">Single sign-on didn&apos;t work</h1>
      <p className="auth-subtitle">You are not signed in.</p>
      <div className="stack">
        <Alert tone="error" title="What happened">
          {reason ? SSO_FAILURE_MESSAGES[reason] : 'The sign-in could not be completed. Start again.'}
        </Alert>
        <p className="muted">If this keeps happening, send your administrator the time of this attempt: they can find it in the audit log.</p>
        <Link href="/sign-in?sso=1" className="btn btn-primary btn-block">
          Try single sign-on again
        </Link>
        <Link href="/sign-in" className="btn btn-secondary btn-block">
          Sign in with a password
        </Link>
      </div>
    </>
  );
}
