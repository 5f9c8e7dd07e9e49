import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { getViewer } from '@/lib/ui/session';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const me = await getViewer();
  if (!me) redirect('/sign-in?next=/app');
  if (!me.tenant) redirect('/onboarding');
  return <AppShell me={me}>{children}</AppShell>;
}
