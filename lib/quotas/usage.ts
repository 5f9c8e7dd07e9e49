import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { tenants } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import type { Tx } from '@/lib/db/types';
import { logger } from '@/lib/log';
import { periodStart, quotaOverridesSchema, resolveQuotaLimits, type QuotaKind, type QuotaLimits, type QuotaOverrides } from './plans';

export type QuotaUsage = Record<QuotaKind, number>;

export interface QuotaState {
  plan: (typeof tenants.$inferSelect)['plan'];
  limits: QuotaLimits;
  usage: QuotaUsage;
}

const settingsSchema = z.looseObject({ quotas: z.unknown().optional() });

// A malformed override never blocks the tenant with a surprise limit: it is logged and the plan applies.
function readOverrides(tenantId: string, settings: unknown): QuotaOverrides {
  const raw = settingsSchema.safeParse(settings);
  if (!raw.success || raw.data.quotas === undefined) return {};
  const parsed = quotaOverridesSchema.safeParse(raw.data.quotas);
  if (parsed.success) return parsed.data;
  logger.warn('invalid tenants.settings.quotas; using the plan limits', { tenantId, error: z.prettifyError(parsed.error) });
  return {};
}

interface UsageRow {
  documents: string | number;
  storage: string | number;
  members: string | number;
  ai_spend: string | number;
}

// Everything is read under the caller's tenant transaction, so RLS scopes each count to this tenant.
export async function readQuotaState(tx: Tx, tenantId: string, now = new Date()): Promise<QuotaState> {
  const [tenant] = await tx.select({ plan: tenants.plan, settings: tenants.settings }).from(tenants).where(eq(tenants.id, tenantId)).limit(1);
  if (!tenant) throw new Error(`readQuotaState: tenant ${tenantId} is not visible in this transaction`);
  const since = periodStart(now).toISOString();
  const at = now.toISOString();
  const [row] = await queryRows<UsageRow>(
    tx,
    sql`select
          (select count(*) from documents where created_at >= ${since}::timestamptz) as documents,
          (select coalesce(sum(size_bytes), 0) from documents) as storage,
          (select count(*) from memberships)
            + (select count(*) from invitations
                where accepted_at is null and revoked_at is null and expires_at > ${at}::timestamptz) as members,
          (select coalesce(sum(cost_micros), 0) from ai_usage where created_at >= ${since}::timestamptz) as ai_spend`,
  );
  const usage: QuotaUsage = {
    documents: Number(row?.documents ?? 0),
    storage: Number(row?.storage ?? 0),
    members: Number(row?.members ?? 0),
    ai_spend: Number(row?.ai_spend ?? 0),
  };
  return { plan: tenant.plan, limits: resolveQuotaLimits(tenant.plan, readOverrides(tenantId, tenant.settings)), usage };
}

// Replaces the tenant's overrides (operators: a plan exception; tenants: their own AI budget).
export async function setQuotaOverrides(tx: Tx, tenantId: string, overrides: QuotaOverrides): Promise<void> {
  const parsed = quotaOverridesSchema.parse(overrides);
  await tx
    .update(tenants)
    .set({ settings: sql`jsonb_set(${tenants.settings}, '{quotas}', ${JSON.stringify(parsed)}::jsonb)`, updatedAt: new Date() })
    .where(eq(tenants.id, tenantId));
}
