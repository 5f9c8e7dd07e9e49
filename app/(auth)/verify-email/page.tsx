import type { Metadata } from 'next';
import { VerifyEmailPanel } from '@/components/auth/verify-email-panel';
import { safeNext } from '@/lib/ui/format';
import { getViewer } from '@/lib/ui/session';

export const metadata: Metadata = { title: 'Confirm your email address' };

const one = (v: string | string[] | undefined) => (typeof v === 'string' && v ? v : null);

// Where the verification link lands (better-auth verified the token and redirected here, with ?error= if it could
// not), and where a member is sent when their organization requires a verified address.
export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const me = await getViewer();
  const user = me?.user ?? null;
  return (
    <VerifyEmailPanel
      state={{
        email: user?.email ?? null,
        verified: user ? user.emailVerified : one(params.verified) === '1',
        linkError: one(params.error),
        next: safeNext(params.next, '/app'),
        required: one(params.required) === '1',
      }}
    />
  );
}
