import { z } from 'zod';
import { eq } from 'drizzle-orm';
import { DEFAULT_CATEGORIES } from '@/lib/ai/classical/classify';
import { defaultPolicy, type AiProviders } from '@/lib/ai/registry';
import { aiPolicySchema, type AiPolicy } from '@/lib/ai/router';
import { aiOperationSchema, categorySchema, ruleSchema, type AiOperation } from '@/lib/ai/types';
import { tenants } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { logger } from '@/lib/log';

// A tenant's override of the default policy for one operation; unset fields keep the default.
export const aiPolicyOverrideSchema = aiPolicySchema.omit({ privacyMode: true }).partial();

// Stored in tenants.settings.ai. The settings API (PUT /api/v1/settings/ai) validates with this schema.
export const aiSettingsSchema = z.object({
  // Only in-process and self-hosted providers are used: tenant data never reaches a hosted API.
  privacyMode: z.boolean().default(false),
  policies: z.partialRecord(aiOperationSchema, aiPolicyOverrideSchema).default({}),
  // Categories the classifier chooses from; the built-in set when absent.
  categories: z.array(categorySchema).min(1).max(100).optional(),
  // Rules every document is verified against; none means verification passes trivially.
  rules: z.array(ruleSchema).max(100).default([]),
});
export type AiSettings = z.output<typeof aiSettingsSchema>;
export type AiSettingsInput = z.input<typeof aiSettingsSchema>;

export const DEFAULT_AI_SETTINGS: AiSettings = aiSettingsSchema.parse({});

// A stored value that no longer parses (an older shape, a manual edit) must not stop the pipeline: fall back to
// the defaults and say so in the log.
export function parseAiSettings(raw: unknown, tenantId?: string): AiSettings {
  if (raw === undefined || raw === null) return DEFAULT_AI_SETTINGS;
  const parsed = aiSettingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  logger.warn('invalid tenants.settings.ai; using defaults', { tenantId, error: z.prettifyError(parsed.error) });
  return DEFAULT_AI_SETTINGS;
}

export async function getAiSettings(tx: Tx): Promise<AiSettings> {
  // RLS limits tenants to the one row of the current tenant.
  const [row] = await tx.select({ id: tenants.id, settings: tenants.settings }).from(tenants).limit(1);
  return parseAiSettings(row?.settings.ai, row?.id);
}

export async function saveAiSettings(tx: Tx, tenantId: string, settings: AiSettingsInput): Promise<AiSettings> {
  const parsed = aiSettingsSchema.parse(settings);
  const [row] = await tx.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, tenantId)).limit(1);
  await tx
    .update(tenants)
    .set({ settings: { ...(row?.settings ?? {}), ai: parsed }, updatedAt: new Date() })
    .where(eq(tenants.id, tenantId));
  return parsed;
}

export function categoriesFor(settings: AiSettings) {
  return settings.categories ?? DEFAULT_CATEGORIES;
}

// The tenant's override on top of the deployment's default chain; privacy mode always comes from the settings.
export function resolvePolicy(settings: AiSettings, op: AiOperation, providers: AiProviders): AiPolicy {
  const base = defaultPolicy(op, providers, { privacyMode: settings.privacyMode });
  const override = settings.policies[op] ?? {};
  return { ...base, ...override, privacyMode: settings.privacyMode };
}
