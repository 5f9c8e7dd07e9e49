import type { Metadata } from 'next';
import { ProfileView } from '@/components/profile/profile-view';
import { getViewer } from '@/lib/ui/session';

export const metadata: Metadata = { title: 'Profile' };

export default async function ProfilePage() {
  const me = await getViewer();
  return <ProfileView mfaRequired={me?.policy?.mfaRequired ?? false} />;
}
