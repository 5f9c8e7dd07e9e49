import type { Metadata } from 'next';
import { ResetPasswordForm } from '@/components/auth/reset-password-form';

// The token is in the URL: never send it on to another site.
export const metadata: Metadata = { title: 'Choose a new password', referrer: 'no-referrer' };

const one = (v: string | string[] | undefined) => (typeof v === 'string' && v ? v : null);

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  return <ResetPasswordForm token={one(params.token)} linkError={one(params.error)} />;
}
