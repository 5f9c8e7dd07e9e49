'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useToast } from '@/components/toast';
import { Badge, Card } from '@/components/ui';
import { LengthHint } from '@/components/length-hint';
import { api, errorMessage } from '@/lib/ui/api';
import type { OrganizationSettings } from '@/lib/ui/types';

type Change = { name?: string; retentionDays?: number | null; slackWebhookUrl?: string | null };
type Save = (change: Change, success: string) => Promise<boolean>;

// One PATCH /api/v1/settings/organization per card, so that saving one setting never resends another.
export function useSaveOrganization(reload: () => Promise<void>): Save {
  const toast = useToast();
  return async (change, success) => {
    try {
      await api('/api/v1/settings/organization', { method: 'PATCH', body: change });
      toast(success);
      await reload();
      return true;
    } catch (err) {
      toast(errorMessage(err), 'error');
      return false;
    }
  };
}

const NAME_MAX = 80;

export function ProfileCard({ settings, save }: { settings: OrganizationSettings; save: Save }) {
  const router = useRouter();
  const [name, setName] = useState(settings.name);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    // The shell (organization switcher) renders the name on the server: refresh it there too.
    if (await save({ name: name.trim() }, 'Organization renamed')) router.refresh();
    setBusy(false);
  }

  return (
    <Card title="Organization" description={<>Shown to every member, in invitations and in emails. Plan: <Badge tone="brand">{`${settings.plan.charAt(0).toUpperCase()}${settings.plan.slice(1)}`}</Badge></>}>
      <form className="inline-form" onSubmit={submit}>
        <div className="field field-grow">
          <label htmlFor="org-name">Name</label>
          <input id="org-name" className="input" value={name} onChange={(e) => setName(e.target.value)} required minLength={2} />
          <LengthHint value={name} max={NAME_MAX} label="The name" />
        </div>
        <button type="submit" className="btn btn-secondary" disabled={busy || name.trim() === settings.name || name.trim().length < 2}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </form>
    </Card>
  );
}

const RETENTION_CHOICES: { days: number | null; label: string }[] = [
  { days: null, label: 'Keep forever' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
  { days: 730, label: '2 years' },
];

export function RetentionCard({ settings, save }: { settings: OrganizationSettings; save: Save }) {
  const known = RETENTION_CHOICES.some((c) => c.days === settings.retentionDays);
  const [choice, setChoice] = useState<string>(known ? String(settings.retentionDays) : 'custom');
  const [custom, setCustom] = useState(String(settings.retentionDays ?? 180));
  const [busy, setBusy] = useState(false);
  const days = choice === 'custom' ? Number(custom) : choice === 'null' ? null : Number(choice);
  const valid = days === null || (Number.isInteger(days) && days >= 1 && days <= 36_500);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    await save({ retentionDays: days }, days === null ? 'Documents are kept until deleted' : `Documents older than ${days} days will be deleted`);
    setBusy(false);
  }

  return (
    <Card title="Document retention" description="Documents older than this are deleted every night, with their text, search index and files. Tasks stay. Each deletion is in the audit log.">
      <form className="inline-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="retention">Delete documents after</label>
          <select id="retention" className="input select" value={choice} onChange={(e) => setChoice(e.target.value)}>
            {RETENTION_CHOICES.map((c) => (
              <option key={String(c.days)} value={String(c.days)}>
                {c.label}
              </option>
            ))}
            <option value="custom">A number of days…</option>
          </select>
        </div>
        {choice === 'custom' && (
          <div className="field">
            <label htmlFor="retention-days">Days</label>
            <input id="retention-days" className="input" type="number" min={1} max={36_500} value={custom} onChange={(e) => setCustom(e.target.value)} />
          </div>
        )}
        <button type="submit" className="btn btn-secondary" disabled={busy || !valid || days === settings.retentionDays}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </form>
    </Card>
  );
}

export function SlackCard({ settings, save }: { settings: OrganizationSettings; save: Save }) {
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    if (await save({ slackWebhookUrl: url.trim() }, 'Slack alerts will go to this webhook')) setUrl('');
    setBusy(false);
  }

  return (
    <Card
      title="Slack alerts"
      description="Quota warnings and failed documents are posted to a Slack channel through an incoming webhook (Slack: Apps → Incoming Webhooks → Add to channel)."
      actions={settings.slackWebhookConfigured ? <Badge tone="green">Connected</Badge> : <Badge>Not connected</Badge>}
    >
      <div className="stack">
        <form className="inline-form" onSubmit={submit}>
          <div className="field field-grow">
            <label htmlFor="slack-webhook">{settings.slackWebhookConfigured ? 'Replace the webhook URL' : 'Webhook URL'}</label>
            <input
              id="slack-webhook"
              className="input"
              type="url"
              placeholder="https://hooks.slack.com/services/…"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              autoComplete="off"
              required
            />
            <span className="hint">The URL is stored and never shown again.</span>
          </div>
          <button type="submit" className="btn btn-secondary" disabled={busy || url.trim() === ''}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </form>
        {settings.slackWebhookConfigured && (
          <div className="form-actions">
            <button type="button" className="btn btn-ghost-danger btn-sm" disabled={busy} onClick={() => save({ slackWebhookUrl: null }, 'Slack alerts turned off')}>
              Disconnect Slack
            </button>
          </div>
        )}
      </div>
    </Card>
  );
}
