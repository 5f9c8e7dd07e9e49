import { defineOperation } from '@/lib/http/operation';
import {
  callbackQuerySchema,
  connectionParamsSchema,
  disconnectBodySchema,
  disconnectResultSchema,
  integrationsViewSchema,
  providerParamsSchema,
} from '@/lib/integrations/schemas';

export const connectIntegrationOp = defineOperation({
  id: 'connectIntegration',
  method: 'GET',
  path: '/api/integrations/{provider}/connect',
  summary:
    "Starts connecting a provider (slack, google-drive, asana): a browser navigation that redirects to the provider's " +
    'consent page with a single-use state (bound to this organization, this person and this browser) and PKCE where the ' +
    'provider supports it. When the provider is not configured on this server, redirects to the Integrations settings ' +
    'page, which names the environment variables to set.',
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  params: providerParamsSchema,
  status: 302,
  whenSuspended: 'refuse',
});

export const completeIntegrationConnectOp = defineOperation({
  id: 'completeIntegrationConnect',
  method: 'GET',
  path: '/api/integrations/{provider}/callback',
  summary:
    'Where the provider sends the browser back: checks the state, exchanges the code for tokens, stores the connection ' +
    '(tokens encrypted) and redirects to /app/settings/integrations with ?connected= or ?error= (a denied consent, a ' +
    'provider error, an unknown, expired or replayed state). Nothing is stored on failure; both outcomes are audited.',
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  params: providerParamsSchema,
  query: callbackQuerySchema,
  status: 302,
  whenSuspended: 'refuse',
});

export const listIntegrationsOp = defineOperation({
  id: 'listIntegrations',
  method: 'GET',
  path: '/api/v1/integrations',
  summary: "The providers this server offers (and whether each is configured), and the organization's connections with their sync status",
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  response: integrationsViewSchema,
});

export const disconnectIntegrationOp = defineOperation({
  id: 'disconnectIntegration',
  method: 'POST',
  path: '/api/v1/integrations/{id}/disconnect',
  summary:
    'Disconnects: revokes the tokens at the provider (when it has a revocation endpoint), removes them here at once, and ' +
    'keeps or deletes what the connection synced (content: keep | delete). The connection stays listed as disconnected.',
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  params: connectionParamsSchema,
  body: disconnectBodySchema,
  response: disconnectResultSchema,
});
