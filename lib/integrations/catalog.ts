import type { Tx } from '@/lib/db/types';
import { INTEGRATION_PROVIDERS, providerSlug, type IntegrationProvider } from './provider';
import { findProvider, isProviderConfigured } from './registry';
import { listConnectionRows, toConnectionView, type ConnectionView } from './store';
import './providers';

// The providers the settings page offers, known statically so the page renders before (or without) a connector:
// its label, what it does, and what an operator sets to configure it. A registered connector's own config wins.
const CATALOG: Record<IntegrationProvider, { label: string; description: string; envVars: readonly string[] }> = {
  slack: {
    label: 'Slack',
    description: 'Ask Reflex from Slack, and turn the channels you choose into searchable knowledge.',
    envVars: ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_SIGNING_SECRET'],
  },
  google_drive: {
    label: 'Google Drive',
    description: 'Keep the documents of chosen Drive folders in Reflex, updated as they change.',
    envVars: ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET'],
  },
  asana: {
    label: 'Asana',
    description: 'Send the tasks Reflex finds to Asana projects, and keep their status in step.',
    envVars: ['ASANA_CLIENT_ID', 'ASANA_CLIENT_SECRET'],
  },
};

export interface ProviderStatus {
  provider: IntegrationProvider;
  slug: string;
  label: string;
  description: string;
  installed: boolean;
  configured: boolean;
  envVars: string[];
  connectUrl: string;
}

export function listProviderStatuses(): ProviderStatus[] {
  return INTEGRATION_PROVIDERS.map((provider) => {
    const entry = CATALOG[provider];
    const config = findProvider(provider);
    return {
      provider,
      slug: providerSlug(provider),
      label: config?.label ?? entry.label,
      description: entry.description,
      installed: config !== null,
      configured: config !== null && isProviderConfigured(config),
      envVars: [...(config?.envVars ?? entry.envVars)],
      connectUrl: `/api/integrations/${providerSlug(provider)}/connect`,
    };
  });
}

function knownProvider(name: string): IntegrationProvider | null {
  return INTEGRATION_PROVIDERS.find((p) => p === name) ?? null;
}

export async function listIntegrations(tx: Tx): Promise<{ providers: ProviderStatus[]; connections: ConnectionView[] }> {
  const rows = await listConnectionRows(tx);
  const connections: ConnectionView[] = [];
  for (const row of rows) {
    const provider = knownProvider(row.provider);
    if (provider) connections.push(toConnectionView(row, provider));
  }
  return { providers: listProviderStatuses(), connections };
}
