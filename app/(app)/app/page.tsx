import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { DashboardView } from '@/components/dashboard/dashboard-view';
import { getViewer } from '@/lib/ui/session';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  const me = await getViewer();
  if (!me?.tenant || !me.user) redirect('/sign-in');
  const firstName = me.user.name.split(/\s+/)[0] || me.user.name;
  return <DashboardView firstName={firstName} organization={me.tenant.name} />;
}
