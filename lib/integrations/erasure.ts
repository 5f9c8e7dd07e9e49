import { isNotNull, or } from 'drizzle-orm';
import { integrationConnections } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { logger } from '@/lib/log';
import { revokeAtProvider } from './oauth';
import { INTEGRATION_PROVIDERS } from './provider';
import { findProvider } from './registry';
import { loadCredentials } from './store';
import './providers';

// Before an organization is erased (its rows, connections included, cascade from the tenant row): ask each provider
// to revoke what we held, so no grant outlives the organization. Best effort and outside any transaction; the
// erasure goes ahead whatever the providers answer.
export async function revokeTenantConnections(tenantId: string): Promise<number> {
  const held = await withTenant(tenantId, async (tx) => {
    const rows = await tx
      .select({ id: integrationConnections.id })
      .from(integrationConnections)
      .where(or(isNotNull(integrationConnections.accessTokenCiphertext), isNotNull(integrationConnections.refreshTokenCiphertext)));
    const out = [];
    for (const row of rows) {
      const creds = await loadCredentials(tx, tenantId, row.id).catch(() => null);
      if (creds) out.push(creds);
    }
    return out;
  });
  let revoked = 0;
  for (const creds of held) {
    const provider = INTEGRATION_PROVIDERS.find((p) => p === creds.provider);
    const config = provider ? findProvider(provider) : null;
    if (!config) continue;
    try {
      if (await revokeAtProvider(config, creds)) revoked++;
    } catch (err) {
      logger.warn('integration revocation failed during organization erasure', { provider, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return revoked;
}
