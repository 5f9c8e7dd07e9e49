'use client';

import { useState } from 'react';
import { ConfirmButton } from '@/components/confirm-button';
import { Time } from '@/components/time';
import { useToast } from '@/components/toast';
import { Alert, Card, EmptyState, Spinner } from '@/components/ui';
import type { SlackAdminView } from '@/lib/integrations/slack/admin';
import type { ConnectionView } from '@/lib/integrations/connections';
import { api, errorMessage } from '@/lib/ui/api';
import { useResource } from '@/lib/ui/use-resource';

type Channel = SlackAdminView['channels'][number];

function FileChannels({ view, onSaved }: { view: SlackAdminView; onSaved: () => Promise<void> }) {
  const toast = useToast();
  const [picked, setPicked] = useState<string[]>(view.settings.fileChannels);
  const [busy, setBusy] = useState(false);
  const dirty = picked.slice().sort().join() !== view.settings.fileChannels.slice().sort().join();

  async function save() {
    setBusy(true);
    try {
      await api('/api/v1/integrations/slack', { method: 'PATCH', body: { fileChannels: picked } });
      toast(picked.length === 0 ? 'Files from Slack are no longer synced' : `Files shared in ${picked.length} channel${picked.length === 1 ? '' : 's'} become documents`);
      await onSaved();
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setBusy(false);
    }
  }

  if (view.channels.length === 0) {
    return (
      <EmptyState icon="message" title="No channels to pick from">
        {view.channelsError ?? 'Reflex sees no public channels in this workspace yet.'}
      </EmptyState>
    );
  }
  return (
    <div className="stack" data-testid="slack-file-channels">
      <span className="hint">Files shared in these channels become documents (once each, within your plan’s size limit). Invite the Reflex app to each channel.</span>
      <div className="stack">
        {view.channels.map((c) => (
          <label key={c.id} className="checkbox">
            <input
              type="checkbox"
              checked={picked.includes(c.id)}
              onChange={(e) => setPicked((p) => (e.target.checked ? [...p, c.id] : p.filter((id) => id !== c.id)))}
            />{' '}
            #{c.name}
          </label>
        ))}
      </div>
      <div>
        <button type="button" className="btn btn-primary" onClick={save} disabled={busy || !dirty}>
          {busy ? 'Saving…' : 'Save channels'}
        </button>
      </div>
    </div>
  );
}

function NotifyChannel({ view, onSaved }: { view: SlackAdminView; onSaved: () => Promise<void> }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const nameOf = (id: string | null, channels: readonly Channel[]) => channels.find((c) => c.id === id)?.name;

  async function choose(value: string) {
    setBusy(true);
    try {
      const notifyChannel = value === '' ? null : value;
      await api('/api/v1/integrations/slack', { method: 'PATCH', body: { notifyChannel } });
      toast(notifyChannel ? `Task notifications go to #${nameOf(notifyChannel, view.channels) ?? 'the channel'}` : 'Task notifications are off');
      await onSaved();
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="field">
      <label htmlFor="slack-notify-channel">Task notifications</label>
      <select id="slack-notify-channel" className="input" value={view.settings.notifyChannel ?? ''} disabled={busy || view.channels.length === 0} onChange={(e) => choose(e.target.value)}>
        <option value="">Off</option>
        {view.channels.map((c) => (
          <option key={c.id} value={c.id}>
            #{c.name}
          </option>
        ))}
      </select>
      <span className="hint">New tasks, assignments and due dates are posted there, with a “Mark done” button.</span>
    </div>
  );
}

function LinkedMembers({ view, onChanged }: { view: SlackAdminView; onChanged: () => Promise<void> }) {
  const toast = useToast();
  if (view.linkedMembers.length === 0) {
    return (
      <EmptyState icon="users" title="Nobody has linked their Slack account yet">
        The first time someone asks Reflex in Slack, they get a link to connect their Reflex account.
      </EmptyState>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table table-responsive" data-testid="slack-linked-members">
        <thead>
          <tr>
            <th>Member</th>
            <th>Linked</th>
            <th className="align-right">Actions</th>
          </tr>
        </thead>
        <tbody>
          {view.linkedMembers.map((l) => (
            <tr key={l.id}>
              <td data-label="Member">
                <div className="person-name">{l.member?.name ?? 'Former member'}</div>
                {l.member && <div className="muted small">{l.member.email}</div>}
              </td>
              <td data-label="Linked" className="muted nowrap">
                <Time value={l.linkedAt} />
              </td>
              <td data-label="Actions" className="align-right">
                <ConfirmButton
                  label="Unlink"
                  confirmLabel="Unlink"
                  title="Reflex stops answering them in Slack until they link again"
                  onConfirm={async () => {
                    try {
                      await api(`/api/v1/integrations/slack/links/${l.id}`, { method: 'DELETE' });
                      toast(`${l.member?.name ?? 'The Slack account'} unlinked`);
                      await onChanged();
                    } catch (err) {
                      toast(errorMessage(err), 'error');
                    }
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// Rendered by the Integrations settings page for an active Slack connection.
export function SlackSettings({ connection }: { connection: ConnectionView }) {
  const view = useResource<SlackAdminView>(connection.status === 'active' ? '/api/v1/integrations/slack' : null);

  if (connection.status !== 'active') {
    return <Alert tone="warning">Reconnect Slack to choose channels and see linked members.</Alert>;
  }
  if (view.loading) return <Spinner label="Loading Slack settings" />;
  if (view.error || !view.data) return <Alert tone="error">{view.error ?? 'The Slack settings could not be loaded.'}</Alert>;
  const data = view.data;
  return (
    <div className="stack" data-testid="slack-settings">
      {data.channelsError && <Alert tone="warning">{data.channelsError}</Alert>}
      <Card title="Files" description={`Channels of ${data.workspace} whose shared files become documents`}>
        {/* Keyed by what is saved, so a reload starts the picker from the stored choice. */}
        <FileChannels key={data.settings.fileChannels.join()} view={data} onSaved={view.reload} />
      </Card>
      <Card title="Tasks">
        <NotifyChannel view={data} onSaved={view.reload} />
      </Card>
      <Card title="Linked members" description="Slack users Reflex answers as a member of this organization, with that member’s permissions">
        <LinkedMembers view={data} onChanged={view.reload} />
      </Card>
    </div>
  );
}
