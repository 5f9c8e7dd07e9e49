import type { Metadata } from 'next';
import { SlackLinkView } from '@/components/integrations/slack-link';
import { Alert, Card, PageHeader } from '@/components/ui';
import { parseLinkToken } from '@/lib/integrations/slack/links';
import { getViewer } from '@/lib/ui/session';

export const metadata: Metadata = { title: 'Link your Slack account' };

export default async function SlackLinkPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).token;
  const token = typeof raw === 'string' ? raw : '';
  const parsed = parseLinkToken(token);
  const me = await getViewer();
  const organization = parsed ? me?.tenants.find((t) => t.id === parsed.tenantId) : undefined;

  return (
    <div className="stack">
      <PageHeader title="Slack" />
      {!parsed ? (
        <Card title="This link is not valid">
          <Alert tone="error">The link is incomplete. Ask Reflex in Slack again, and open the new link it sends you.</Alert>
        </Card>
      ) : !organization || !me?.user ? (
        <Card title="Wrong account">
          <Alert tone="warning">
            This link is for an organization you are not a member of with this account. Sign in with the account you use in that organization, then open
            the link again.
          </Alert>
        </Card>
      ) : (
        <SlackLinkView token={token} tenantId={parsed.tenantId} organization={organization.name} you={me.user.email} />
      )}
    </div>
  );
}
