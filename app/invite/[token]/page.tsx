import type { Metadata } from 'next';
import { AcceptInvitation } from '@/components/auth/accept-invitation';
import { AuthFrame } from '@/components/auth/auth-frame';
import { getViewer } from '@/lib/ui/session';

export const metadata: Metadata = { title: 'Invitation', referrer: 'no-referrer' };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const me = await getViewer();
  return (
    <AuthFrame>
      <AcceptInvitation token={token} viewerEmail={me?.user?.email ?? null} />
    </AuthFrame>
  );
}
