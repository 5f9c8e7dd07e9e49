'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { Icon, type IconName } from '@/components/icons';
import { Logo } from '@/components/ui';

const ITEMS: { href: string; label: string; icon: IconName }[] = [
  { href: '/ops', label: 'Metrics', icon: 'chart' },
  { href: '/ops/tenants', label: 'Organizations', icon: 'building' },
  { href: '/ops/incidents', label: 'Incidents', icon: 'alert' },
  { href: '/ops/platform', label: 'Platform', icon: 'sliders' },
];

const isActive = (pathname: string, href: string) => (href === '/ops' ? pathname === '/ops' : pathname === href || pathname.startsWith(`${href}/`));

export function OpsNav({ operator }: { operator: { name: string; email: string } }) {
  const pathname = usePathname();
  return (
    <aside className="sidebar">
      <div className="sidebar-inner">
        <div className="sidebar-brand">
          <Link href="/ops">
            <Logo />
          </Link>
        </div>
        <nav className="sidebar-nav" aria-label="Operator console">
          <div className="nav-section">
            <div className="nav-section-title">Operator console</div>
            {ITEMS.map((item) => {
              const active = isActive(pathname, item.href);
              return (
                <Link key={item.href} href={item.href} className={`nav-link${active ? ' nav-link-active' : ''}`} aria-current={active ? 'page' : undefined}>
                  <Icon name={item.icon} size={17} />
                  <span>{item.label}</span>
                </Link>
              );
            })}
          </div>
          <div className="nav-section">
            <div className="nav-section-title">Back to</div>
            <Link href="/app" className="nav-link">
              <Icon name="home" size={17} />
              <span>Your workspace</span>
            </Link>
          </div>
        </nav>
        <div className="sidebar-footer">
          <div className="small">{operator.name}</div>
          <div className="small muted">{operator.email}</div>
        </div>
      </div>
    </aside>
  );
}
