import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { OnboardingForm } from '@/components/auth/onboarding-form';
import { safeNext } from '@/lib/ui/format';
import { withNext } from '@/lib/ui/request-path';
import { getViewer } from '@/lib/ui/session';

export const metadata: Metadata = { title: 'Create organization' };

// ?next= is where the person was going before they had an organization; they land there once it exists.
export default async function OnboardingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNext((await searchParams).next, '/app');
  const me = await getViewer();
  if (!me?.user) redirect(withNext('/sign-in', next === '/app' ? '/onboarding' : withNext('/onboarding', next)));
  return <OnboardingForm firstOrg={me.tenants.length === 0} userName={me.user.name} next={next} />;
}
