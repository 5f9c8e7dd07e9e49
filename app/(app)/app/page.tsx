import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { Icon, type IconName } from '@/components/icons';
import { Badge, PageHeader } from '@/components/ui';
import type { Permission } from '@/lib/auth/permissions';
import { getViewer } from '@/lib/ui/session';

export const metadata: Metadata = { title: 'Dashboard' };

const STEPS: { href: string; icon: IconName; title: string; text: string; permission: Permission; soon?: boolean }[] = [
  { href: '/app/members', icon: 'users', title: 'Invite your team', text: 'Add teammates and give each the role they need.', permission: 'members:manage' },
  { href: '/app/roles', icon: 'shield', title: 'Shape your roles', text: 'Create custom roles from fine-grained permissions.', permission: 'roles:manage' },
  { href: '/app/api-keys', icon: 'key', title: 'Connect your systems', text: 'Create a scoped API key for the REST API.', permission: 'apikeys:manage' },
  { href: '/app/documents', icon: 'file', title: 'Upload documents', text: 'Turn files and recordings into searchable knowledge.', permission: 'documents:write', soon: true },
];

export default async function DashboardPage() {
  const me = await getViewer();
  if (!me?.tenant || !me.user) redirect('/sign-in');
  const firstName = me.user.name.split(/\s+/)[0] || me.user.name;
  const role = me.tenants.find((t) => t.id === me.tenant?.id)?.role.name ?? '—';
  const steps = STEPS.filter((s) => me.permissions.includes(s.permission));

  return (
    <>
      <PageHeader title={`Welcome, ${firstName}`} description={`Here is what is happening in ${me.tenant.name}.`} />
      <div className="stat-grid">
        <div className="stat">
          <div className="stat-label">Organization</div>
          <div className="stat-value">{me.tenant.name}</div>
          <div className="stat-sub mono">{me.tenant.slug}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Plan</div>
          <div className="stat-value cap">{me.tenant.plan}</div>
          <div className="stat-sub">Rate limits and pipeline priority</div>
        </div>
        <div className="stat">
          <div className="stat-label">Your role</div>
          <div className="stat-value">{role}</div>
          <div className="stat-sub">{me.permissions.length} permissions</div>
        </div>
      </div>
      <section className="card">
        <div className="card-header">
          <div>
            <h2 className="card-title">Get started</h2>
            <p className="card-description">A few steps to make Reflex useful for your team.</p>
          </div>
        </div>
        <div className="step-list">
          {steps.map((s) => (
            <Link key={s.href} href={s.href} className="step">
              <span className="step-icon">
                <Icon name={s.icon} size={18} />
              </span>
              <span className="step-text">
                <span className="step-title">
                  {s.title} {s.soon && <Badge tone="blue">Soon</Badge>}
                </span>
                <span className="step-sub">{s.text}</span>
              </span>
              <Icon name="arrowRight" size={16} className="step-arrow" />
            </Link>
          ))}
          {!steps.length && <p className="muted step-empty">You have read-only access. Ask an admin if you need more.</p>}
        </div>
      </section>
    </>
  );
}
