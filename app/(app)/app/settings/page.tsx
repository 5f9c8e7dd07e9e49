import type { Metadata } from 'next';
import { AiSettingsPage } from '@/components/settings/ai-settings-view';

export const metadata: Metadata = { title: 'AI settings' };

export default function SettingsPage() {
  return <AiSettingsPage />;
}
