import { inngest } from '@/inngest/client';
import { reencryptTenantTokens, tenantsWithStaleTokens } from '@/lib/integrations/rotation';

// Hourly: after a key rotation, rewrites every integration token still sealed by an older key. One step per
// organization, so a retry resumes after the ones done. With nothing stale it is one small query.
export const reencryptIntegrationTokensOnSchedule = inngest.createFunction(
  { id: 'reencrypt-integration-tokens', triggers: [{ cron: 'TZ=UTC 40 * * * *' }], retries: 3, concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const tenants = await step.run('list-tenants', () => tenantsWithStaleTokens());
    let connections = 0;
    for (const tenantId of tenants) connections += await step.run(`reencrypt-${tenantId}`, () => reencryptTenantTokens(tenantId));
    return { tenants: tenants.length, connections };
  },
);
