import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { OpsNav } from '@/components/ops/ops-nav';
import { ToastProvider } from '@/components/toast';
import { requireOperatorPage } from '@/lib/ops/page-gate';

export const metadata: Metadata = { title: { default: 'Operator console', template: '%s · Operator console · Reflex' }, robots: { index: false } };

// The operator console: its own route group and guard (lib/ops/page-gate.ts), never reachable with a tenant session
// alone. Server-rendered pages call lib functions directly; the forms post to /api/ops/* with the operator's session.
export default async function OpsLayout({ children }: { children: ReactNode }) {
  const operator = await requireOperatorPage();
  return (
    <ToastProvider>
      <div className="shell">
        <OpsNav operator={{ name: operator.name, email: operator.email }} />
        <div className="shell-main">
          <main className="content">{children}</main>
        </div>
      </div>
    </ToastProvider>
  );
}
