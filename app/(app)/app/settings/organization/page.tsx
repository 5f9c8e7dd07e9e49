import type { Metadata } from 'next';
import { OrganizationSettingsView } from '@/components/settings/organization/organization-view';

export const metadata: Metadata = { title: 'Organization settings' };

export default function OrganizationSettingsPage() {
  return <OrganizationSettingsView />;
}
