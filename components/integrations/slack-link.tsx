'use client';

import { useState } from 'react';
import { Alert, Card } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';

interface Linked {
  slackUserId: string;
  workspace: string;
}

// The page a "link your account" message in Slack points at. Linking is a deliberate click (a POST), never a side
// effect of opening the link, so a link preview in Slack cannot spend the token.
export function SlackLinkView({ token, tenantId, organization, you }: { token: string; tenantId: string; organization: string; you: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [linked, setLinked] = useState<Linked | null>(null);

  async function link() {
    setBusy(true);
    setError(null);
    try {
      setLinked(await api<Linked>('/api/v1/integrations/slack/link', { method: 'POST', body: { token }, tenantId }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (linked) {
    return (
      <Card title="Your Slack account is linked">
        <div data-testid="slack-linked">
          <Alert tone="success" title={`Linked in ${linked.workspace}`}>
            Reflex now answers you in Slack from the documents you can see in {organization}. Go back to Slack and ask again.
          </Alert>
        </div>
      </Card>
    );
  }

  return (
    <Card title="Link your Slack account" description={`Reflex answers in Slack as the member you are in ${organization}, with your permissions.`}>
      <div className="stack">
        <p>
          You are signed in as <strong>{you}</strong>. Linking lets Reflex answer your questions in Slack from the documents you can read here, and lets
          you mark tasks done from Slack.
        </p>
        {error && <Alert tone="error">{error}</Alert>}
        <div>
          <button type="button" className="btn btn-primary" onClick={link} disabled={busy} data-testid="slack-link-confirm">
            {busy ? 'Linking…' : `Link to ${organization}`}
          </button>
        </div>
      </div>
    </Card>
  );
}
