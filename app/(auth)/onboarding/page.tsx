import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { OnboardingForm } from '@/components/auth/onboarding-form';
import { getViewer } from '@/lib/ui/session';

export const metadata: Metadata = { title: 'Create organization' };

export default async function OnboardingPage() {
  const me = await getViewer();
  if (!me?.user) redirect('/sign-in?next=/onboarding');
  return <OnboardingForm firstOrg={me.tenants.length === 0} userName={me.user.name} />;
}
