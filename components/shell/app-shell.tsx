'use client';

import { useCallback, useState, type ReactNode } from 'react';
import { Icon } from '@/components/icons';
import { ToastProvider } from '@/components/toast';
import type { Me } from '@/lib/ui/types';
import { MeProvider } from './me-context';
import { OrgSwitcher } from './org-switcher';
import { Sidebar } from './sidebar';
import { UserMenu } from './user-menu';

export function AppShell({ me, children }: { me: Me; children: ReactNode }) {
  const [navOpen, setNavOpen] = useState(false);
  const closeNav = useCallback(() => setNavOpen(false), []);

  return (
    <MeProvider me={me}>
      <ToastProvider>
        <div className="shell">
          <Sidebar open={navOpen} onNavigate={closeNav} />
          {navOpen && <div className="sidebar-backdrop" onClick={closeNav} aria-hidden="true" />}
          <div className="shell-main">
            <header className="topbar">
              <button type="button" className="icon-button topbar-menu" aria-label="Open navigation" onClick={() => setNavOpen(true)}>
                <Icon name="menu" size={20} />
              </button>
              <OrgSwitcher />
              <div className="topbar-spacer" />
              <UserMenu />
            </header>
            <main className="content">{children}</main>
          </div>
        </div>
      </ToastProvider>
    </MeProvider>
  );
}
