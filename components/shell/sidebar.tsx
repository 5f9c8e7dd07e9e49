'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { Icon } from '@/components/icons';
import { Logo } from '@/components/ui';
import { NAV_SECTIONS } from './nav';
import { useCan, useMe } from './me-context';

function matches(pathname: string, href: string): boolean {
  return href === '/app' ? pathname === '/app' : pathname === href || pathname.startsWith(`${href}/`);
}

// The most specific item wins: /app/settings/security lights up Security, not also Settings (AI).
function isActive(pathname: string, href: string): boolean {
  if (!matches(pathname, href)) return false;
  return !NAV_SECTIONS.some((s) => s.items.some((i) => i.href.length > href.length && matches(pathname, i.href)));
}

export function Sidebar({ open, onNavigate }: { open: boolean; onNavigate: () => void }) {
  const pathname = usePathname();
  const can = useCan();
  const me = useMe();

  return (
    <aside className={`sidebar${open ? ' sidebar-open' : ''}`}>
      <div className="sidebar-inner">
        <div className="sidebar-brand">
          <Link href="/app" onClick={onNavigate}>
            <Logo />
          </Link>
        </div>
        <nav className="sidebar-nav" aria-label="Main navigation">
          {NAV_SECTIONS.map((section) => {
            const items = section.items.filter((i) => !i.permission || can(i.permission));
            if (!items.length) return null;
            return (
              <div key={section.title} className="nav-section">
                <div className="nav-section-title">{section.title}</div>
                {items.map((item) => {
                  const active = isActive(pathname, item.href);
                  return (
                    <Link
                      key={item.href}
                      href={item.href}
                      className={`nav-link${active ? ' nav-link-active' : ''}`}
                      aria-current={active ? 'page' : undefined}
                      onClick={onNavigate}
                    >
                      <Icon name={item.icon} size={17} />
                      <span>{item.label}</span>
                    </Link>
                  );
                })}
              </div>
            );
          })}
        </nav>
        {me.tenant && (
          <div className="sidebar-footer">
            <span className="plan-pill">
              <span className="cap">{me.tenant.plan}</span> plan
            </span>
          </div>
        )}
      </div>
    </aside>
  );
}
