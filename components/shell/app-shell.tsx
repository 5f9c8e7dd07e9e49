'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Icon } from '@/components/icons';
import { ToastProvider } from '@/components/toast';
import { Spinner } from '@/components/ui';
import type { Me } from '@/lib/ui/types';
import { BillingBanner } from './billing-banner';
import { MeProvider } from './me-context';
import { OrgSwitcher } from './org-switcher';
import { Sidebar } from './sidebar';
import { UserMenu } from './user-menu';

const PROFILE = '/app/profile';

// Where the organization's security policy sends a member who does not meet it yet (every API request of theirs in
// this organization answers 403 until then): MFA enrolment on the profile page, or email verification.
function policyRedirect(me: Me, pathname: string): string | null {
  if (me.policy?.blocked === 'email_verification') return '/verify-email?required=1';
  if (me.policy?.blocked === 'mfa' && pathname !== PROFILE) return `${PROFILE}?required=mfa`;
  return null;
}

export function AppShell({ me, children }: { me: Me; children: ReactNode }) {
  const [navOpen, setNavOpen] = useState(false);
  const closeNav = useCallback(() => setNavOpen(false), []);
  const pathname = usePathname();
  const router = useRouter();
  const redirect = policyRedirect(me, pathname);
  useEffect(() => {
    if (!redirect) return;
    if (redirect.startsWith(PROFILE)) router.replace(redirect);
    else window.location.assign(redirect);
  }, [redirect, router]);

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
            <main className="content">
              {redirect ? (
                <Spinner label="Redirecting" />
              ) : (
                <>
                  <BillingBanner me={me} />
                  {children}
                </>
              )}
            </main>
          </div>
        </div>
      </ToastProvider>
    </MeProvider>
  );
}
