import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignUpForm } from '@/components/auth/sign-up-form';
import { safeNext } from '@/lib/ui/format';
import { getViewer } from '@/lib/ui/session';

export const metadata: Metadata = { title: 'Create account' };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNext(params.next, '');
  if (await getViewer()) redirect(next || '/app');
  const email = typeof params.email === 'string' ? params.email : undefined;
  return <SignUpForm next={next || null} email={email} />;
}
