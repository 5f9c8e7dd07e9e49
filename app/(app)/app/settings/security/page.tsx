import type { Metadata } from 'next';
import { SecuritySettingsView } from '@/components/settings/security-settings-view';

export const metadata: Metadata = { title: 'Security settings' };

export default function SecuritySettingsPage() {
  return <SecuritySettingsView />;
}
