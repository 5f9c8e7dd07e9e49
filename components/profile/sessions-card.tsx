'use client';

import { useState } from 'react';
import { useToast } from '@/components/toast';
import { Alert, Badge, Card, Spinner } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import { formatRelative } from '@/lib/ui/format';
import { reloadTo } from '@/lib/ui/navigate';
import type { SessionItem } from '@/lib/ui/types';
import { useResource } from '@/lib/ui/use-resource';

// A readable browser name from a user agent, enough to tell one's own devices apart.
function describeAgent(ua: string | null): string {
  if (!ua) return 'Unknown browser';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Chrome\//.test(ua) ? 'Chrome' : /Firefox\//.test(ua) ? 'Firefox' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}

// better-auth stores IPv6 addresses expanded (0000:…:0001); show them the usual short way (::1).
function compactIp(ip: string | null): string {
  if (!ip) return '—';
  if (!ip.includes(':')) return ip;
  const groups = ip.split(':').map((g) => g.replace(/^0+(?=.)/, ''));
  let best = { at: -1, len: 0 };
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.len < 2) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}

export function SessionsCard() {
  const toast = useToast();
  const sessions = useResource<{ items: SessionItem[] }>('/api/v1/me/sessions');
  const [busy, setBusy] = useState(false);

  async function signOutEverywhere() {
    setBusy(true);
    try {
      await api('/api/v1/me/sessions', { method: 'DELETE' });
      reloadTo('/sign-in');
    } catch (err) {
      toast(errorMessage(err), 'error');
      setBusy(false);
    }
  }

  return (
    <Card
      title="Sessions"
      description="Browsers signed in to your account. Sessions end after 24 hours, or sooner when idle."
      actions={
        <button type="button" className="btn btn-secondary btn-sm" onClick={signOutEverywhere} disabled={busy}>
          {busy ? 'Signing out…' : 'Sign out everywhere'}
        </button>
      }
      flush
    >
      {sessions.error && <Alert tone="error">{sessions.error}</Alert>}
      {sessions.loading ? (
        <Spinner label="Loading sessions" />
      ) : (
        <div className="table-wrap">
          <table className="table table-responsive">
            <thead>
              <tr>
                <th>Browser</th>
                <th>Address</th>
                <th>Signed in</th>
                <th>Last active</th>
              </tr>
            </thead>
            <tbody>
              {(sessions.data?.items ?? []).map((s) => (
                <tr key={s.id} data-testid="session-row">
                  <td data-label="Browser">
                    {describeAgent(s.userAgent)} {s.current && <Badge tone="brand">This browser</Badge>}
                  </td>
                  <td data-label="Address" className="mono small">
                    {compactIp(s.ipAddress)}
                  </td>
                  <td data-label="Signed in" className="muted nowrap">
                    {formatRelative(s.createdAt)}
                  </td>
                  <td data-label="Last active" className="muted nowrap">
                    {formatRelative(s.lastActiveAt)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
