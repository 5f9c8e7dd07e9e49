import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/lib/db/client';
import { queryRows } from '@/lib/db/sql';

export interface DiscoveredSso {
  tenantId: string;
  connectionId: string | null;
  protocol: 'oidc' | 'saml' | null;
  enforced: boolean;
}

const rowSchema = z.object({
  tenant_id: z.string(),
  connection_id: z.string().nullable(),
  protocol: z.enum(['oidc', 'saml']).nullable(),
  enforce_sso: z.boolean(),
});

export function domainOf(email: string): string | null {
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) return null;
  return email.slice(at + 1).trim().toLowerCase().replace(/\.$/, '');
}

/**
 * The organization that verified an address's domain, through the named platform lookup reflex_sso_discover
 * (drizzle/*_sso_custom.sql): no tenant is known yet, and the function returns only what the next step needs.
 */
export async function discoverSso(email: string): Promise<DiscoveredSso | null> {
  const domain = domainOf(email);
  if (!domain || domain.length > 253) return null;
  const db = await getDb();
  const [raw] = await queryRows<unknown>(db, sql`select tenant_id, connection_id, protocol, enforce_sso from reflex_sso_discover(${domain})`);
  if (!raw) return null;
  const row = rowSchema.parse(raw);
  return { tenantId: row.tenant_id, connectionId: row.connection_id, protocol: row.protocol, enforced: row.enforce_sso };
}
