import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/auth/sign-in-form';
import { safeNext } from '@/lib/ui/format';
import { getViewer } from '@/lib/ui/session';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNext(params.next, '/app');
  if (await getViewer()) redirect(next);
  return <SignInForm next={next} initialSso={params.sso === '1'} />;
}
