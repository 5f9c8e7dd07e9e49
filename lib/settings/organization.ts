import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { PLANS, TENANT_STATUSES, tenants } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { notFound } from '@/lib/http/errors';
import { getQuotaReport, quotaOverridesSchema, quotaReportSchema, setQuotaOverrides } from '@/lib/quotas';
import { withTenant } from '@/lib/db/tenant';
import { retentionDaysSchema, setRetentionDays } from '@/lib/retention/retention';
import { boundedText, LIMITS } from '@/lib/validation/text';

// Slack incoming webhooks are https URLs on hooks.slack.com; anything else would let a tenant make the server
// post to arbitrary hosts.
const slackWebhookSchema = z
  .url()
  .refine((u) => /^https:\/\/hooks\.slack\.com\/services\//.test(u), 'must be a https://hooks.slack.com/services/… incoming webhook URL');

export const organizationSettingsSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    plan: z.enum(PLANS),
    retentionDays: z.number().int().nullable(),
    slackWebhookConfigured: z.boolean(),
  })
  .meta({ id: 'OrganizationSettings' });

export const updateOrganizationSettingsSchema = z
  .strictObject({
    name: boundedText('Organization name', LIMITS.organizationName, 2).optional(),
    retentionDays: retentionDaysSchema.optional(),
    slackWebhookUrl: slackWebhookSchema.nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change');

const storedSettings = z.looseObject({ retentionDays: z.number().int().nullable().optional(), slackWebhookUrl: z.string().optional() });

export async function getOrganizationSettings(tx: Tx): Promise<z.infer<typeof organizationSettingsSchema>> {
  const [row] = await tx.select().from(tenants).limit(1);
  if (!row) throw notFound('Organization');
  const settings = storedSettings.safeParse(row.settings);
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    plan: row.plan,
    retentionDays: settings.success ? (settings.data.retentionDays ?? null) : null,
    slackWebhookConfigured: settings.success && Boolean(settings.data.slackWebhookUrl),
  };
}

export async function updateOrganizationSettings(tx: Tx, tenantId: string, input: z.infer<typeof updateOrganizationSettingsSchema>) {
  if (input.name !== undefined) await tx.update(tenants).set({ name: input.name, updatedAt: new Date() }).where(eq(tenants.id, tenantId));
  if (input.retentionDays !== undefined) await setRetentionDays(tx, tenantId, input.retentionDays);
  if (input.slackWebhookUrl !== undefined) {
    const change =
      input.slackWebhookUrl === null
        ? sql`${tenants.settings} - 'slackWebhookUrl'`
        : sql`jsonb_set(${tenants.settings}, '{slackWebhookUrl}', ${JSON.stringify(input.slackWebhookUrl)}::jsonb)`;
    await tx.update(tenants).set({ settings: change, updatedAt: new Date() }).where(eq(tenants.id, tenantId));
  }
  return getOrganizationSettings(tx);
}

export const updateTenantPlatformSchema = z
  .strictObject({
    plan: z.enum(PLANS).optional(),
    status: z.enum(TENANT_STATUSES).optional(),
    quotas: quotaOverridesSchema.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change');

export const platformTenantSchema = z
  .object({
    tenant: z.object({ id: z.uuid(), name: z.string(), slug: z.string(), plan: z.enum(PLANS), status: z.enum(TENANT_STATUSES) }),
    quotas: quotaReportSchema,
  })
  .meta({ id: 'PlatformTenant' });

// Operators: change a tenant's plan, suspend or reactivate it, and override its quotas. An unknown id is invisible
// inside its own (empty) tenant transaction, hence a 404.
export function updateTenantAsOperator(tenantId: string, input: z.infer<typeof updateTenantPlatformSchema>) {
  return withTenant(tenantId, (tx) => applyOperatorChange(tx, tenantId, input));
}

async function applyOperatorChange(tx: Tx, tenantId: string, input: z.infer<typeof updateTenantPlatformSchema>) {
  const [current] = await tx.select({ id: tenants.id }).from(tenants).limit(1);
  if (!current) throw notFound('Tenant');
  // Only the columns and settings keys named in the request change, so a concurrent tenant write is never undone.
  if (input.plan || input.status) {
    await tx
      .update(tenants)
      .set({ ...(input.plan ? { plan: input.plan } : {}), ...(input.status ? { status: input.status } : {}), updatedAt: new Date() })
      .where(eq(tenants.id, tenantId));
  }
  if (input.quotas) await setQuotaOverrides(tx, tenantId, input.quotas);
  const [row] = await tx.select().from(tenants).limit(1);
  if (!row) throw notFound('Tenant');
  return {
    tenant: { id: row.id, name: row.name, slug: row.slug, plan: row.plan, status: row.status },
    quotas: await getQuotaReport(tx, tenantId),
  };
}
