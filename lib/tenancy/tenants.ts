import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { OWNER_ROLE_KEY, PERMISSIONS } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db/client';
import { queryRows } from '@/lib/db/sql';
import { memberships, PLANS, session, TENANT_STATUSES, tenants } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { AppError, conflict, notFound } from '@/lib/http/errors';
import { recordAuditEvent, type AuditEventInput } from '@/lib/audit/record';
import { boundedText, LIMITS } from '@/lib/validation/text';
import { insertApiKey } from './api-keys';
import { assertCanJoinAnotherOrganization } from './organization-limit';

export interface RequestAuditFacts {
  requestId: string;
  ip: string;
  userAgent: string;
}
import { seedBuiltinRoles } from './roles';

export const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

export const tenantSummarySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    plan: z.enum(PLANS),
    status: z.enum(TENANT_STATUSES),
    role: z.object({ key: z.string(), name: z.string() }),
  })
  .meta({ id: 'TenantSummary' });

export const createTenantSchema = z.strictObject({
  name: boundedText('Organization name', LIMITS.organizationName, 2),
  slug: z.string().regex(SLUG_RE, 'slug: lowercase letters, digits and dashes, 1-48 characters').optional(),
});

export const switchTenantSchema = z.strictObject({ tenantId: z.uuid() });

export function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return base || 'org';
}

async function slugTaken(slug: string): Promise<boolean> {
  const [row] = await queryRows<{ taken: boolean }>(await getDb(), sql`select reflex_slug_taken(${slug}) as taken`);
  return row?.taken === true;
}

async function availableSlug(name: string, requested?: string): Promise<string> {
  if (requested) {
    if (await slugTaken(requested)) throw conflict(`The slug "${requested}" is taken`);
    return requested;
  }
  const base = slugify(name);
  if (!(await slugTaken(base))) return base;
  return `${base}-${randomUUID().slice(0, 6)}`;
}

export interface NewTenant {
  name: string;
  slug?: string;
  plan?: (typeof PLANS)[number];
  ownerUserId: string;
  withOwnerKey?: boolean;
  /** Self-service: the owner may not already belong to MAX_ORGANIZATIONS_PER_USER organizations. */
  limitOwnerOrganizations?: boolean;
  /** Written to the new tenant's audit log in the same transaction (provisioning audits at the platform route). */
  audit?: AuditEventInput;
}

// Creates the tenant, its built-in roles and its owner in one transaction of the new tenant.
export async function createTenant(input: NewTenant) {
  const slug = await availableSlug(input.name, input.slug);
  const tenantId = randomUUID();
  try {
    return await withTenant(
      tenantId,
      async (tx) => {
        if (input.limitOwnerOrganizations) await assertCanJoinAnotherOrganization(tx, input.ownerUserId, tenantId);
        await tx.insert(tenants).values({ id: tenantId, name: input.name, slug, plan: input.plan ?? 'standard' });
        const roleIds = await seedBuiltinRoles(tx, tenantId);
        const ownerRoleId = roleIds.get(OWNER_ROLE_KEY);
        if (!ownerRoleId) throw new AppError('internal', 'Owner role missing');
        await tx.insert(memberships).values({ tenantId, userId: input.ownerUserId, roleId: ownerRoleId });
        if (input.audit) await recordAuditEvent(tx, { ...input.audit, target: { type: 'tenant', id: tenantId } });
        const ownerKey = input.withOwnerKey
          ? await insertApiKey(tx, { tenantId, name: 'Owner key (provisioning)', scopes: PERMISSIONS, createdBy: input.ownerUserId })
          : null;
        return { tenant: { id: tenantId, name: input.name, slug, plan: input.plan ?? 'standard' }, ownerKey };
      },
      { userId: input.ownerUserId },
    );
  } catch (err) {
    // Two concurrent creations can pass the slug check; the unique index decides.
    if (err instanceof Error && /tenants_slug_unique/.test(`${err.message} ${String((err as { cause?: unknown }).cause)}`)) {
      throw conflict(`The slug "${slug}" is taken`);
    }
    throw err;
  }
}

export async function listUserTenants(userId: string): Promise<z.infer<typeof tenantSummarySchema>[]> {
  const rows = await queryRows<{ tenant_id: string; slug: string; name: string; plan: string; status: string; role_key: string; role_name: string }>(
    await getDb(),
    sql`select * from reflex_user_active_tenants(${userId})`,
  );
  return rows.map((r) =>
    tenantSummarySchema.parse({
      id: r.tenant_id,
      name: r.name,
      slug: r.slug,
      plan: r.plan,
      status: r.status,
      role: { key: r.role_key, name: r.role_name },
    }),
  );
}

export async function switchTenant(principal: { userId: string; sessionId: string }, tenantId: string) {
  const mine = await listUserTenants(principal.userId);
  const target = mine.find((t) => t.id === tenantId);
  if (!target) throw notFound('Organization');
  await setActiveTenant(principal.sessionId, tenantId);
  return target;
}

export async function setActiveTenant(sessionId: string, tenantId: string): Promise<void> {
  const db = await getDb();
  await db.update(session).set({ activeTenantId: tenantId }).where(eq(session.id, sessionId));
}

export async function getCurrentTenant(tx: Tx) {
  const [row] = await tx.select().from(tenants).limit(1);
  if (!row) throw notFound('Organization');
  return row;
}

export async function createOrganization(
  principal: { userId: string; sessionId: string; email: string },
  input: z.infer<typeof createTenantSchema>,
  request: RequestAuditFacts,
) {
  const { tenant } = await createTenant({
    name: input.name,
    slug: input.slug,
    ownerUserId: principal.userId,
    limitOwnerOrganizations: true,
    audit: { action: 'createTenant', actor: { type: 'user', id: principal.userId, label: principal.email }, ...request },
  });
  await setActiveTenant(principal.sessionId, tenant.id);
  return tenantSummarySchema.parse({ ...tenant, status: 'active', role: { key: OWNER_ROLE_KEY, name: 'Owner' } });
}
