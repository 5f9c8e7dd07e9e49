import { and, isNotNull, ne, sql } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { integrationConnections } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { recordIntegrationEvent } from './audit';
import { currentKeyId, decryptToken, encryptToken, tokenAad } from './crypto';

// Key rotation: after INTEGRATIONS_ENCRYPTION_KEY changes (the old one moved to INTEGRATIONS_ENCRYPTION_KEY_PREVIOUS),
// every stored token is rewritten under the new key, one organization per transaction; once none is left the
// previous key can be removed. Run by inngest/functions/integrations/reencrypt-tokens.ts.

// The named platform path (reflex_integration_tenants_with_stale_key): ids of organizations, nothing else.
export async function tenantsWithStaleTokens(): Promise<string[]> {
  const rows = await queryRows<{ tenant_id: string }>(await getDb(), sql`select tenant_id from reflex_integration_tenants_with_stale_key(${currentKeyId()})`);
  return rows.map((r) => r.tenant_id);
}

export async function reencryptTenantTokens(tenantId: string): Promise<number> {
  const keyId = currentKeyId();
  return withTenant(tenantId, async (tx) => {
    const stale = await tx
      .select()
      .from(integrationConnections)
      .where(and(isNotNull(integrationConnections.tokenKeyId), ne(integrationConnections.tokenKeyId, keyId)))
      .for('update');
    for (const row of stale) {
      const reseal = (ciphertext: string | null, field: 'access' | 'refresh') =>
        ciphertext ? encryptToken(decryptToken(ciphertext, tokenAad(tenantId, row.id, field)), tokenAad(tenantId, row.id, field)) : null;
      await tx
        .update(integrationConnections)
        .set({ accessTokenCiphertext: reseal(row.accessTokenCiphertext, 'access'), refreshTokenCiphertext: reseal(row.refreshTokenCiphertext, 'refresh'), tokenKeyId: keyId })
        .where(sql`${integrationConnections.id} = ${row.id}`);
      await recordIntegrationEvent(tx, { action: 'integration.tokensReencrypted', connectionId: row.id, provider: row.provider, metadata: { keyId } });
    }
    return stale.length;
  });
}
