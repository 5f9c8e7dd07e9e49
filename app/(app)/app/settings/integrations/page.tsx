import type { Metadata } from 'next';
import { IntegrationsView } from '@/components/integrations/integrations-view';

export const metadata: Metadata = { title: 'Integrations' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : null);

export default async function IntegrationsSettingsPage({ searchParams }: { searchParams: SearchParams }) {
  const q = await searchParams;
  return <IntegrationsView connected={one(q.connected)} error={one(q.error)} provider={one(q.provider)} />;
}
