import { eq } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { PERMISSIONS, type Permission } from '@/lib/auth/permissions';
import { apiKeys, memberships, roles, tenants, PLANS } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { AppError, notFound } from '@/lib/http/errors';

export type Actor = { type: 'user'; userId: string } | { type: 'apiKey'; keyId: string; userId: string | null };

export interface Access {
  tenantId: string;
  plan: (typeof PLANS)[number];
  actor: Actor;
  permissions: ReadonlySet<Permission>;
  roleKey: string | null;
}

const LAST_USED_PRECISION_MS = 60_000;

function toPermissions(values: readonly string[]): Permission[] {
  const known = new Set<string>(PERMISSIONS);
  return values.filter((v): v is Permission => known.has(v));
}

async function memberPermissions(tx: Tx, userId: string): Promise<{ roleKey: string; permissions: Permission[] } | null> {
  const [row] = await tx
    .select({ key: roles.key, permissions: roles.permissions })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(eq(memberships.userId, userId))
    .limit(1);
  return row ? { roleKey: row.key, permissions: toPermissions(row.permissions) } : null;
}

// Runs inside the tenant transaction: RLS already limits every query here to the tenant being entered.
export async function loadAccess(tx: Tx, principal: Principal, tenantId: string): Promise<Access> {
  const [tenant] = await tx.select({ plan: tenants.plan, status: tenants.status }).from(tenants).limit(1);
  if (!tenant) throw notFound('Organization');
  if (tenant.status === 'suspended') throw new AppError('forbidden', 'This organization is suspended');

  if (principal.kind === 'user') {
    const member = await memberPermissions(tx, principal.userId);
    if (!member) throw notFound('Organization');
    return {
      tenantId,
      plan: tenant.plan,
      actor: { type: 'user', userId: principal.userId },
      permissions: new Set(member.permissions),
      roleKey: member.roleKey,
    };
  }

  const [key] = await tx.select().from(apiKeys).where(eq(apiKeys.id, principal.keyId)).limit(1);
  const now = Date.now();
  if (!key || key.revokedAt) throw new AppError('unauthenticated', 'This API key has been revoked');
  if (key.expiresAt && key.expiresAt.getTime() <= now) throw new AppError('unauthenticated', 'This API key has expired');
  // A key never grants more than its creator currently holds: demoting or removing the creator shrinks the key.
  // A key without a creator (their account was deleted, which nulls created_by) is bounded by nobody: refuse it.
  const creator = key.createdBy ? await memberPermissions(tx, key.createdBy) : null;
  if (!creator) throw new AppError('unauthenticated', 'The member who created this API key has left the organization');
  const held = new Set(creator.permissions);
  const permissions = toPermissions(key.scopes).filter((p) => held.has(p));
  if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await tx.update(apiKeys).set({ lastUsedAt: new Date(now) }).where(eq(apiKeys.id, key.id));
  }
  return {
    tenantId,
    plan: tenant.plan,
    actor: { type: 'apiKey', keyId: key.id, userId: key.createdBy },
    permissions: new Set(permissions),
    roleKey: null,
  };
}

