import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { requestPath, withNext } from '@/lib/ui/request-path';
import { getViewer } from '@/lib/ui/session';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const me = await getViewer();
  // Signing in (or creating the first organization) brings people back to the page they asked for.
  if (!me) redirect(withNext('/sign-in', await requestPath('/app')));
  if (!me.tenant) redirect(withNext('/onboarding', await requestPath('/app')));
  return <AppShell me={me}>{children}</AppShell>;
}
