import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Principal } from '@/lib/auth/principal';
import { billingNoticeSchema, getBillingNotice } from '@/lib/billing/accounts';
import { permissionSchema } from '@/lib/auth/permissions';
import { apiKeys } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { AppError } from '@/lib/http/errors';
import { loadAccess } from './access';
import { getCurrentTenant, listUserTenants, tenantSummarySchema } from './tenants';

export const meSchema = z
  .object({
    kind: z.enum(['user', 'apiKey']),
    user: z.object({ id: z.uuid(), email: z.string(), name: z.string(), emailVerified: z.boolean(), twoFactorEnabled: z.boolean() }).nullable(),
    apiKey: z.object({ id: z.uuid(), name: z.string(), prefix: z.string() }).nullable(),
    tenant: z.object({ id: z.uuid(), name: z.string(), slug: z.string(), plan: z.string() }).nullable(),
    permissions: z.array(permissionSchema),
    tenants: z.array(tenantSummarySchema),
    // What the active organization's security policy asks of this user; `blocked` when they do not meet it yet (every
    // tenant request then answers 403 mfa_required or email_verification_required, and the UI sends them to fix it).
    policy: z
      .object({ mfaRequired: z.boolean(), emailVerificationRequired: z.boolean(), blocked: z.enum(['mfa', 'email_verification']).nullable() })
      .nullable(),
    // The active organization's billing state, for the banner every member sees when an invoice is overdue.
    billing: billingNoticeSchema.nullable(),
  })
  .meta({ id: 'Me' });

export type Me = z.infer<typeof meSchema>;

export async function describeMe(principal: Principal): Promise<Me> {
  if (principal.kind === 'apiKey') {
    return withTenant(principal.tenantId, async (tx) => {
      const access = await loadAccess(tx, principal, principal.tenantId);
      const tenant = await getCurrentTenant(tx);
      const [key] = await tx.select().from(apiKeys).where(eq(apiKeys.id, principal.keyId)).limit(1);
      if (!key) throw new AppError('unauthenticated', 'Invalid API key');
      return {
        kind: 'apiKey' as const,
        user: null,
        apiKey: { id: key.id, name: key.name, prefix: key.prefix },
        tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug, plan: tenant.plan },
        permissions: [...access.permissions],
        tenants: [],
        policy: null,
        billing: await getBillingNotice(tx),
      };
    });
  }
  const tenants = await listUserTenants(principal.userId);
  const active = tenants.find((t) => t.id === principal.activeTenantId) ?? null;
  const scoped = active
    ? await withTenant(active.id, async (tx) => ({ access: await loadAccess(tx, principal, active.id), billing: await getBillingNotice(tx) }), { userId: principal.userId })
    : null;
  const access = scoped?.access ?? null;
  const blocked =
    access?.policy.emailVerificationRequired && !principal.emailVerified
      ? 'email_verification'
      : access?.policy.mfaRequired && !principal.twoFactorEnabled
        ? 'mfa'
        : null;
  return {
    kind: 'user',
    user: { id: principal.userId, email: principal.email, name: principal.name, emailVerified: principal.emailVerified, twoFactorEnabled: principal.twoFactorEnabled },
    apiKey: null,
    tenant: active ? { id: active.id, name: active.name, slug: active.slug, plan: active.plan } : null,
    permissions: access ? [...access.permissions] : [],
    tenants,
    policy: access ? { ...access.policy, blocked } : null,
    billing: scoped?.billing ?? null,
  };
}
