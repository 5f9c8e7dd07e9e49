import { z } from 'zod';
import { ensureUser, passwordSchema } from '@/lib/auth/users';
import { PLANS } from '@/lib/db/schema';
import { boundedText, LIMITS } from '@/lib/validation/text';
import { createdApiKeySchema } from './api-keys';
import { createTenant, SLUG_RE } from './tenants';

export const provisionTenantSchema = z.strictObject({
  name: boundedText('Organization name', LIMITS.organizationName, 2),
  slug: z.string().regex(SLUG_RE, 'slug: lowercase letters, digits and dashes, 1-48 characters').optional(),
  plan: z.enum(PLANS).default('standard'),
  ownerEmail: z.email().max(254),
  ownerName: z.string().trim().min(1).max(80).optional(),
  ownerPassword: passwordSchema.optional(),
});

export const provisionedTenantSchema = z
  .object({
    tenant: z.object({ id: z.uuid(), name: z.string(), slug: z.string(), plan: z.enum(PLANS) }),
    owner: z.object({ userId: z.uuid(), email: z.string(), created: z.boolean() }),
    apiKey: createdApiKeySchema,
  })
  .meta({ id: 'ProvisionedTenant' });

// Operators and OEM partners: a tenant, its owner (created if new, without a password unless one is given;
// `npm run admin -- users set-password` sets one later) and an owner API key shown once.
export async function provisionTenant(input: z.infer<typeof provisionTenantSchema>): Promise<z.infer<typeof provisionedTenantSchema>> {
  const owner = await ensureUser({ email: input.ownerEmail, name: input.ownerName, password: input.ownerPassword });
  const { tenant, ownerKey } = await createTenant({
    name: input.name,
    slug: input.slug,
    plan: input.plan,
    ownerUserId: owner.id,
    withOwnerKey: true,
  });
  if (!ownerKey) throw new Error('owner key missing');
  return { tenant, owner: { userId: owner.id, email: input.ownerEmail.toLowerCase(), created: owner.created }, apiKey: ownerKey };
}
