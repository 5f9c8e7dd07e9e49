'use client';

import Link from 'next/link';
import { useCallback, useRef, useState } from 'react';
import { Avatar } from '@/components/ui';
import { Icon } from '@/components/icons';
import { useToast } from '@/components/toast';
import { api, errorMessage, signOut } from '@/lib/ui/api';
import { reloadTo } from '@/lib/ui/navigate';
import { initials } from '@/lib/ui/format';
import { useMe } from './me-context';
import { useDismiss } from './use-dismiss';

export function UserMenu() {
  const me = useMe();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(ref, open, close);
  const user = me.user;
  if (!user) return null;

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    try {
      await action();
      reloadTo('/sign-in');
    } catch (err) {
      toast(errorMessage(err), 'error');
      setBusy(false);
    }
  }

  return (
    <div className="menu-anchor" ref={ref}>
      <button
        type="button"
        className="user-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label="Account menu"
        onClick={() => setOpen((v) => !v)}
        data-testid="user-menu"
      >
        <Avatar text={initials(user.name, user.email)} />
        <span className="user-button-name">{user.name}</span>
        <Icon name="chevronDown" size={16} />
      </button>
      {open && (
        <div className="menu menu-right" role="menu">
          <div className="menu-user">
            <div className="menu-user-name">{user.name}</div>
            <div className="menu-user-email">{user.email}</div>
          </div>
          <div className="menu-divider" />
          <Link href="/app/profile" role="menuitem" className="menu-item" onClick={close}>
            <Icon name="shield" size={16} />
            <span>Profile and security</span>
          </Link>
          <button type="button" role="menuitem" className="menu-item" disabled={busy} onClick={() => run(signOut)}>
            <Icon name="logOut" size={16} />
            <span>Sign out</span>
          </button>
          <button
            type="button"
            role="menuitem"
            className="menu-item menu-item-danger"
            disabled={busy}
            onClick={() => run(() => api('/api/v1/me/sessions', { method: 'DELETE' }))}
          >
            <Icon name="lock" size={16} />
            <span className="menu-item-text">
              <span>Sign out everywhere</span>
              <span className="menu-item-sub">Ends every session on every device</span>
            </span>
          </button>
        </div>
      )}
    </div>
  );
}
