'use client';

import Link from 'next/link';
import { useCallback, useRef, useState } from 'react';
import { Icon } from '@/components/icons';
import { useToast } from '@/components/toast';
import { api, errorMessage } from '@/lib/ui/api';
import { reloadTo } from '@/lib/ui/navigate';
import type { TenantSummary } from '@/lib/ui/types';
import { useMe } from './me-context';
import { useDismiss } from './use-dismiss';

function OrgMark({ name }: { name: string }) {
  return (
    <span className="org-mark" aria-hidden="true">
      {name.slice(0, 1).toUpperCase()}
    </span>
  );
}

export function OrgSwitcher() {
  const me = useMe();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [switching, setSwitching] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(ref, open, close);

  async function switchTo(tenant: TenantSummary) {
    if (tenant.id === me.tenant?.id) return close();
    setSwitching(tenant.id);
    try {
      await api('/api/v1/me/tenant', { method: 'POST', body: { tenantId: tenant.id } });
      reloadTo('/app');
    } catch (err) {
      toast(errorMessage(err), 'error');
      setSwitching(null);
    }
  }

  const current = me.tenant;
  return (
    <div className="menu-anchor" ref={ref}>
      <button
        type="button"
        className="org-switcher"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
        data-testid="org-switcher"
      >
        <OrgMark name={current?.name ?? '?'} />
        <span className="org-switcher-text">
          <span className="org-switcher-label">Organization</span>
          <span className="org-switcher-name" title={current?.name}>
            {current?.name ?? 'No organization'}
          </span>
        </span>
        <Icon name="chevronDown" size={16} />
      </button>
      {open && (
        <div className="menu menu-left" role="menu">
          <div className="menu-heading">Your organizations</div>
          {me.tenants.map((t) => (
            <button key={t.id} type="button" role="menuitem" className="menu-item" onClick={() => switchTo(t)} disabled={switching !== null}>
              <OrgMark name={t.name} />
              <span className="menu-item-text">
                <span>{t.name}</span>
                <span className="menu-item-sub">{t.role.name}</span>
              </span>
              {t.id === current?.id && <Icon name="check" size={16} className="menu-check" />}
              {switching === t.id && <span className="spinner spinner-sm" aria-label="Switching" />}
            </button>
          ))}
          <div className="menu-divider" />
          <Link href="/onboarding" role="menuitem" className="menu-item" onClick={close}>
            <Icon name="plus" size={16} />
            <span>Create organization</span>
          </Link>
        </div>
      )}
    </div>
  );
}
