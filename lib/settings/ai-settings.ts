import { z } from 'zod';
import { DEFAULT_CATEGORIES } from '@/lib/ai/classical/classify';
import type { AiProviders } from '@/lib/ai/registry';
import { aiPolicySchema } from '@/lib/ai/router';
import { MAX_RULES_PROGRAM, tenantPatternCost } from '@/lib/ai/tenant-pattern';
import { AI_OPERATIONS, categorySchema, ruleSchema, type AiOperation, type AiProvider } from '@/lib/ai/types';
import type { Tx } from '@/lib/db/types';
import { getDocumentAi } from '@/lib/documents/ai';
import { aiSettingsSchema, getAiSettings, resolvePolicy, saveAiSettings, type AiSettings } from '@/lib/documents/ai-settings';
import { AppError } from '@/lib/http/errors';
import { strictDeep } from './unknown-keys';

// PUT /api/v1/settings/ai replaces the whole document; unknown fields anywhere are refused (422).
export const aiSettingsBodySchema = strictDeep(aiSettingsSchema).meta({ id: 'AiSettingsInput' });

const providerInfoSchema = z.object({
  name: z.string(),
  locality: z.enum(['in-process', 'self-hosted', 'hosted']),
  operations: z.array(z.enum(AI_OPERATIONS)),
});

const effectivePoliciesSchema = z.record(z.enum(AI_OPERATIONS), aiPolicySchema);

const storedSettingsSchema = z.object({
  privacyMode: z.boolean(),
  policies: z.partialRecord(z.enum(AI_OPERATIONS), aiPolicySchema.omit({ privacyMode: true }).partial()),
  categories: z.array(categorySchema).optional(),
  rules: z.array(ruleSchema),
});

export const aiSettingsViewSchema = z
  .object({
    settings: storedSettingsSchema.describe("The organization's stored settings (overrides only)"),
    effective: effectivePoliciesSchema.describe('The policy each operation runs with: deployment defaults with the overrides applied'),
    providers: z.array(providerInfoSchema).describe('Providers configured on this server'),
    defaultCategories: z.array(categorySchema).describe('Used when settings.categories is not set'),
  })
  .meta({ id: 'AiSettings' });
export type AiSettingsView = z.infer<typeof aiSettingsViewSchema>;

function providerList(providers: AiProviders): AiProvider[] {
  return Object.values(providers).filter((p): p is AiProvider => p !== undefined);
}

function effectivePolicies(settings: AiSettings, providers: AiProviders): AiSettingsView['effective'] {
  return effectivePoliciesSchema.parse(Object.fromEntries(AI_OPERATIONS.map((op) => [op, resolvePolicy(settings, op, providers)])));
}

function viewOf(settings: AiSettings, providers: AiProviders): AiSettingsView {
  return {
    settings,
    effective: effectivePolicies(settings, providers),
    providers: providerList(providers).map((p) => ({
      name: p.name,
      locality: p.locality,
      operations: AI_OPERATIONS.filter((op) => p.supports(op)),
    })),
    defaultCategories: DEFAULT_CATEGORIES,
  };
}

export async function getAiSettingsView(tx: Tx): Promise<AiSettingsView> {
  return viewOf(await getAiSettings(tx), getDocumentAi().providers);
}

interface Issue {
  path: string;
  message: string;
}

function checkProvider(name: string, op: AiOperation, path: string, settings: AiSettings, providers: AiProviders): Issue | undefined {
  const provider = providerList(providers).find((p) => p.name === name);
  const known = providerList(providers).map((p) => p.name).join(', ');
  if (!provider) return { path, message: `Unknown provider "${name}" (configured on this server: ${known})` };
  if (!provider.supports(op)) return { path, message: `Provider "${name}" does not support ${op}` };
  if (settings.privacyMode && provider.locality === 'hosted') {
    return { path, message: `Provider "${name}" is a hosted API, which privacy mode does not allow` };
  }
  return undefined;
}

// What the schema cannot know: which providers this server has, what they support, and what all the patterns cost together.
function semanticIssues(settings: AiSettings, providers: AiProviders): Issue[] {
  const issues: Issue[] = [];
  for (const op of AI_OPERATIONS) {
    const policy = settings.policies[op];
    if (!policy) continue;
    if (policy.primary !== undefined) {
      const issue = checkProvider(policy.primary, op, `policies.${op}.primary`, settings, providers);
      if (issue) issues.push(issue);
    }
    (policy.fallback ?? []).forEach((name, i) => {
      const issue = checkProvider(name, op, `policies.${op}.fallback.${i}`, settings, providers);
      if (issue) issues.push(issue);
    });
    // Vectors from two models are not comparable: an embedding fallback would silently split the search index.
    if (op === 'embed' && (policy.fallback?.length ?? 0) > 0) {
      issues.push({ path: 'policies.embed.fallback', message: 'Embeddings cannot fall back to another provider; leave it empty' });
    }
  }
  // Each pattern was compiled by the schema; together they must stay within the per-document matching budget.
  const program = settings.rules.reduce((sum, rule) => sum + ('pattern' in rule && rule.pattern !== undefined ? tenantPatternCost(rule.pattern) : 0), 0);
  if (program > MAX_RULES_PROGRAM) {
    issues.push({ path: 'rules', message: `The patterns together are too complex (${program} instructions, at most ${MAX_RULES_PROGRAM}); simplify or remove some` });
  }
  const names = new Set<string>();
  (settings.categories ?? []).forEach((c, i) => {
    const key = c.name.trim().toLowerCase();
    if (names.has(key)) issues.push({ path: `categories.${i}.name`, message: `Duplicate category "${c.name}"` });
    names.add(key);
  });
  return issues;
}

export async function updateAiSettings(tx: Tx, tenantId: string, input: AiSettings): Promise<AiSettingsView> {
  const { providers } = getDocumentAi();
  const issues = semanticIssues(input, providers);
  const first = issues[0];
  if (first) {
    throw new AppError('validation_failed', `Invalid request body: ${first.path}: ${first.message}`, { details: { issues } });
  }
  const saved = await saveAiSettings(tx, tenantId, input);
  return viewOf(saved, providers);
}
