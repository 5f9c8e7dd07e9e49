import { z } from 'zod';
import { INTEGRATION_STATUSES } from '@/lib/db/schema/integrations';
import { INTEGRATION_PROVIDERS } from './provider';

// The boundary shapes of the integrations API (lib/api/integrations.ts).

export const providerParamsSchema = z.strictObject({ provider: z.string().min(1).max(40) });
export const connectionParamsSchema = z.strictObject({ id: z.uuid() });

// What a provider's redirect back to us carries (RFC 6749 section 4.1.2 and 4.1.2.1). Providers add parameters of
// their own (Google: scope, authuser, prompt, iss), so unknown ones are allowed and ignored.
export const callbackQuerySchema = z.object({
  code: z.string().min(1).max(4_096).optional(),
  state: z.string().min(1).max(512).optional(),
  error: z.string().min(1).max(200).optional(),
  error_description: z.string().max(2_000).optional(),
});

export const connectionViewSchema = z
  .object({
    id: z.uuid(),
    provider: z.enum(INTEGRATION_PROVIDERS),
    status: z.enum(INTEGRATION_STATUSES),
    externalAccountId: z.string(),
    externalAccountName: z.string(),
    settings: z.record(z.string(), z.unknown()),
    lastSyncAt: z.iso.datetime().nullable(),
    itemsSynced: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'IntegrationConnection' });

export const providerStatusSchema = z
  .object({
    provider: z.enum(INTEGRATION_PROVIDERS),
    slug: z.string(),
    label: z.string(),
    description: z.string(),
    installed: z.boolean().describe('The connector is part of this build'),
    configured: z.boolean().describe('The server has the client id and secret, so people can connect'),
    envVars: z.array(z.string()).describe('What the operator sets to configure it'),
    connectUrl: z.string(),
  })
  .meta({ id: 'IntegrationProviderStatus' });

export const integrationsViewSchema = z
  .object({ providers: z.array(providerStatusSchema), connections: z.array(connectionViewSchema) })
  .meta({ id: 'Integrations' });

export const disconnectBodySchema = z.strictObject({
  content: z.enum(['keep', 'delete']).describe('keep: what the connection synced stays; delete: it is deleted with the connection'),
});

export const disconnectResultSchema = z
  .object({
    connection: connectionViewSchema,
    revokedAtProvider: z.boolean().describe('The provider confirmed the revocation (false when it has no revocation endpoint or did not answer)'),
    contentDeleted: z.number().int().describe('Items the connection had synced that were deleted'),
  })
  .meta({ id: 'IntegrationDisconnected' });
