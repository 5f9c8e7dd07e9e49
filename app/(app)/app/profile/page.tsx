import type { Metadata } from 'next';
import { ProfileView } from '@/components/profile/profile-view';
import { getViewer } from '@/lib/ui/session';

export const metadata: Metadata = { title: 'Profile' };

// ?required=operator: the operator console sent an operator here to enrol in two-factor authentication first.
export default async function ProfilePage({ searchParams }: { searchParams: Promise<{ required?: string | string[] }> }) {
  const me = await getViewer();
  const required = (await searchParams).required;
  return <ProfileView mfaRequired={me?.policy?.mfaRequired ? 'organization' : required === 'operator' ? 'operator' : null} />;
}
