import Link from 'next/link';
import type { ReactNode } from 'react';
import { Icon, type IconName } from '@/components/icons';
import { Logo } from '@/components/ui';

const POINTS: { icon: IconName; text: string }[] = [
  { icon: 'file', text: 'Documents and recordings become searchable knowledge' },
  { icon: 'message', text: 'Answers grounded in your own sources' },
  { icon: 'shield', text: 'Roles, API keys, audit log and tenant isolation from day one' },
];

// The split layout of sign-in, sign-up, onboarding and invitation pages.
export function AuthFrame({ children }: { children: ReactNode }) {
  return (
    <div className="auth">
      <aside className="auth-aside">
        <Link href="/" className="auth-logo">
          <Logo size={30} />
        </Link>
        <div className="auth-pitch">
          <h2>Your team&apos;s knowledge, turned into answers and action.</h2>
          <ul>
            {POINTS.map((p) => (
              <li key={p.text}>
                <span className="auth-point-icon">
                  <Icon name={p.icon} size={16} />
                </span>
                {p.text}
              </li>
            ))}
          </ul>
        </div>
        <p className="auth-foot">Open source · Self-hostable · Built for enterprises</p>
      </aside>
      <main className="auth-main">
        <Link href="/" className="auth-logo-mobile">
          <Logo />
        </Link>
        <div className="auth-card">{children}</div>
      </main>
    </div>
  );
}
