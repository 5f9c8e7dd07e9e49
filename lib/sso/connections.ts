import { asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { OWNER_ROLE_KEY, type Permission } from '@/lib/auth/permissions';
import { roles, ssoConnections } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { AppError, notFound, validationError } from '@/lib/http/errors';
import type { Access } from '@/lib/tenancy/access';
import { assertGrantable } from '@/lib/tenancy/roles';
import { sealSecret, unsealSecret } from './crypto';
import { assertFetchableUrl, fetchMetadata, insecureUrlsAllowed } from './fetch-metadata';
import { MAX_METADATA_CHARS, parseSamlIdpMetadata, samlIdpConfigSchemaWith } from './saml-config';

// Stored configuration per protocol (sso_connections.config). The OIDC client secret is sealed (lib/sso/crypto.ts)
// and never part of any response.
export const oidcStoredSchema = z.object({
  issuer: z.url(),
  clientId: z.string().min(1).max(512),
  clientSecretSealed: z.string().min(1),
  scopes: z.array(z.string().min(1).max(100)).min(1).max(20),
  groupsClaim: z.string().min(1).max(100),
});
export const samlStoredSchema = z.object({
  idpEntityId: z.string().min(1).max(1024),
  idpSsoUrl: z.url(),
  idpCertificates: z.array(z.string().min(1).max(20_000)).min(1).max(5),
  metadataUrl: z.url().nullable(),
});
export type OidcConfig = z.infer<typeof oidcStoredSchema>;
export type SamlConfig = z.infer<typeof samlStoredSchema>;

export const DEFAULT_OIDC_SCOPES = ['openid', 'email', 'profile'];

const scopeList = z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'a scope is one word').max(100)).max(20);
const groupMapping = z.strictObject({ group: z.string().trim().min(1).max(256), roleId: z.uuid() });
const provisioning = {
  jitEnabled: z.boolean().optional().describe('Create accounts and memberships on first sign-in (just-in-time provisioning)'),
  defaultRoleId: z.uuid().nullable().optional().describe('Role for new members when no group mapping matches'),
  groupRoleMappings: z.array(groupMapping).max(100).optional().describe('IdP group → role; the first matching mapping wins, in this order'),
  status: z.enum(['active', 'disabled']).optional(),
};
const name = z.string().trim().min(1).max(100);
const oidcFields = {
  issuer: z.url().max(2048).describe('The issuer URL; /.well-known/openid-configuration is read from it'),
  clientId: z.string().trim().min(1).max(512),
  scopes: scopeList.optional().describe('Default: openid email profile. Add groups when the IdP needs a scope for the groups claim'),
  groupsClaim: z.string().trim().min(1).max(100).optional().describe('The claim that lists groups (default: groups)'),
};
const samlFields = {
  idpEntityId: z.string().trim().min(1).max(1024).optional(),
  idpSsoUrl: z.url().max(2048).optional(),
  idpCertificates: z.array(z.string().trim().min(1).max(20_000)).min(1).max(5).optional().describe('PEM or base64 signing certificates'),
  metadataXml: z.string().min(1).max(MAX_METADATA_CHARS).optional().describe("The IdP's metadata XML; fills entity id, SSO URL and certificates"),
  metadataUrl: z.url().max(2048).nullable().optional().describe("The IdP's metadata URL, read now (https, public address); fills the same"),
};

export const createConnectionSchema = z.discriminatedUnion('protocol', [
  z.strictObject({ protocol: z.literal('oidc'), name, ...oidcFields, clientSecret: z.string().min(1).max(2048), ...provisioning }),
  z.strictObject({ protocol: z.literal('saml'), name, ...samlFields, ...provisioning }),
]);
export const createConnectionBodyLimit = MAX_METADATA_CHARS + 64 * 1024;
export const updateConnectionSchema = z
  .strictObject({
    name: name.optional(),
    issuer: oidcFields.issuer.optional(),
    clientId: oidcFields.clientId.optional(),
    clientSecret: z.string().min(1).max(2048).optional().describe('Leave out to keep the stored secret'),
    scopes: oidcFields.scopes,
    groupsClaim: oidcFields.groupsClaim,
    idpEntityId: samlFields.idpEntityId,
    idpSsoUrl: samlFields.idpSsoUrl,
    idpCertificates: samlFields.idpCertificates,
    metadataXml: samlFields.metadataXml,
    metadataUrl: samlFields.metadataUrl,
    ...provisioning,
  })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change');

export const connectionViewSchema = z
  .object({
    id: z.uuid(),
    protocol: z.enum(['oidc', 'saml']),
    name: z.string(),
    status: z.enum(['active', 'disabled']),
    jitEnabled: z.boolean(),
    defaultRoleId: z.uuid().nullable(),
    groupRoleMappings: z.array(z.object({ group: z.string(), roleId: z.uuid() })),
    oidc: z
      .object({
        issuer: z.string(),
        clientId: z.string(),
        scopes: z.array(z.string()),
        groupsClaim: z.string(),
        clientSecretSet: z.boolean().describe('The secret itself is never returned'),
        redirectUri: z.string().describe('Register this redirect (callback) URI at the identity provider'),
      })
      .nullable(),
    saml: z
      .object({
        idpEntityId: z.string(),
        idpSsoUrl: z.string(),
        idpCertificateCount: z.number().int(),
        metadataUrl: z.string().nullable(),
        spEntityId: z.string().describe('Our entity id, for the IdP'),
        acsUrl: z.string().describe('Assertion consumer service URL (HTTP-POST binding), for the IdP'),
        spMetadataUrl: z.string(),
      })
      .nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'SsoConnection' });
export type ConnectionView = z.infer<typeof connectionViewSchema>;

export type ConnectionRow = typeof ssoConnections.$inferSelect;

export const oidcRedirectUri = (baseUrl: string) => `${baseUrl}/api/sso/oidc/callback`;
export const samlUrls = (baseUrl: string, id: string) => ({
  spEntityId: `${baseUrl}/api/sso/saml/${id}/metadata`,
  acsUrl: `${baseUrl}/api/sso/saml/${id}/acs`,
  spMetadataUrl: `${baseUrl}/api/sso/saml/${id}/metadata`,
});

export function toConnectionView(row: ConnectionRow, baseUrl: string): ConnectionView {
  const oidc = row.protocol === 'oidc' ? oidcStoredSchema.parse(row.config) : null;
  const saml = row.protocol === 'saml' ? samlStoredSchema.parse(row.config) : null;
  return {
    id: row.id,
    protocol: row.protocol,
    name: row.name,
    status: row.status,
    jitEnabled: row.jitEnabled,
    defaultRoleId: row.defaultRoleId,
    groupRoleMappings: row.groupRoleMappings,
    oidc: oidc
      ? { issuer: oidc.issuer, clientId: oidc.clientId, scopes: oidc.scopes, groupsClaim: oidc.groupsClaim, clientSecretSet: true, redirectUri: oidcRedirectUri(baseUrl) }
      : null,
    saml: saml
      ? { idpEntityId: saml.idpEntityId, idpSsoUrl: saml.idpSsoUrl, idpCertificateCount: saml.idpCertificates.length, metadataUrl: saml.metadataUrl, ...samlUrls(baseUrl, row.id) }
      : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function oidcConfigOf(row: ConnectionRow): OidcConfig & { clientSecret: string } {
  const config = oidcStoredSchema.parse(row.config);
  return { ...config, clientSecret: unsealSecret(config.clientSecretSealed) };
}

export function samlConfigOf(row: ConnectionRow): SamlConfig {
  return samlStoredSchema.parse(row.config);
}

// Roles an SSO sign-in may hand out: never the owner role (ownership is given by a person, not by an IdP group),
// and only what the admin configuring it could grant themselves.
async function assertAssignableRoles(tx: Tx, access: Access, roleIds: string[]): Promise<void> {
  const ids = [...new Set(roleIds)];
  if (ids.length === 0) return;
  const found = await tx.select().from(roles).where(inArray(roles.id, ids));
  if (found.length !== ids.length) throw new AppError('validation_failed', 'A role in the provisioning settings does not exist');
  for (const role of found) {
    if (role.key === OWNER_ROLE_KEY) throw new AppError('validation_failed', 'SSO cannot make anyone an owner; choose another role');
    // roles.permissions holds only permission names: every write goes through permissionSchema (lib/tenancy/roles.ts).
    assertGrantable(access, role.permissions as Permission[]);
  }
}

function provisioningRoleIds(input: { defaultRoleId?: string | null; groupRoleMappings?: { roleId: string }[] }): string[] {
  return [...(input.defaultRoleId ? [input.defaultRoleId] : []), ...(input.groupRoleMappings ?? []).map((m) => m.roleId)];
}

export async function listConnections(tx: Tx, baseUrl: string): Promise<{ items: ConnectionView[] }> {
  const rows = await tx.select().from(ssoConnections).orderBy(asc(ssoConnections.createdAt), asc(ssoConnections.id));
  return { items: rows.map((r) => toConnectionView(r, baseUrl)) };
}

export async function findConnection(tx: Tx, id: string): Promise<ConnectionRow> {
  const [row] = await tx.select().from(ssoConnections).where(eq(ssoConnections.id, id)).limit(1);
  if (!row) throw notFound('SSO connection');
  return row;
}

export async function getConnection(tx: Tx, id: string, baseUrl: string): Promise<ConnectionView> {
  return toConnectionView(await findConnection(tx, id), baseUrl);
}

type SamlInput = { idpEntityId?: string; idpSsoUrl?: string; idpCertificates?: string[]; metadataXml?: string; metadataUrl?: string | null };

// The IdP's values from its metadata (pasted, or read from its URL through the SSRF guard), else from the fields
// typed in; certificates are checked to be X.509 either way (lib/sso/saml-config.ts).
async function samlIdpOf(input: SamlInput, current: SamlConfig | null): Promise<Omit<SamlConfig, 'metadataUrl'>> {
  const allowInsecure = insecureUrlsAllowed();
  if (input.metadataXml) return pickIdp(parseSamlIdpMetadata(input.metadataXml, { allowInsecure }));
  if (input.metadataUrl) return pickIdp(parseSamlIdpMetadata(await fetchMetadata(input.metadataUrl), { allowInsecure }));
  const merged = {
    idpEntityId: input.idpEntityId ?? current?.idpEntityId,
    idpSsoUrl: input.idpSsoUrl ?? current?.idpSsoUrl,
    idpCertificates: input.idpCertificates ?? current?.idpCertificates,
  };
  const parsed = samlIdpConfigSchemaWith({ allowInsecure }).safeParse(merged);
  if (!parsed.success) throw validationError(parsed.error, 'SAML settings (paste the metadata XML, give its URL, or fill in entity ID, SSO URL and certificate)');
  return pickIdp(parsed.data);
}

function pickIdp(idp: { idpEntityId: string; idpSsoUrl: string; idpCertificates: string[] }): Omit<SamlConfig, 'metadataUrl'> {
  return { idpEntityId: idp.idpEntityId, idpSsoUrl: idp.idpSsoUrl, idpCertificates: idp.idpCertificates };
}

export async function createConnection(tx: Tx, access: Access, input: z.infer<typeof createConnectionSchema>, baseUrl: string): Promise<ConnectionView> {
  await assertAssignableRoles(tx, access, provisioningRoleIds(input));
  let config: Record<string, unknown>;
  if (input.protocol === 'oidc') {
    await assertFetchableUrl(input.issuer);
    config = {
      issuer: input.issuer,
      clientId: input.clientId,
      clientSecretSealed: sealSecret(input.clientSecret),
      scopes: input.scopes?.length ? input.scopes : DEFAULT_OIDC_SCOPES,
      groupsClaim: input.groupsClaim ?? 'groups',
    } satisfies OidcConfig;
  } else {
    config = { ...(await samlIdpOf(input, null)), metadataUrl: input.metadataUrl ?? null } satisfies SamlConfig;
  }
  const [row] = await tx
    .insert(ssoConnections)
    .values({
      tenantId: access.tenantId,
      protocol: input.protocol,
      name: input.name,
      status: input.status ?? 'active',
      config,
      jitEnabled: input.jitEnabled ?? false,
      defaultRoleId: input.defaultRoleId ?? null,
      groupRoleMappings: input.groupRoleMappings ?? [],
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return toConnectionView(row, baseUrl);
}

async function nextConfig(row: ConnectionRow, change: z.infer<typeof updateConnectionSchema>): Promise<Record<string, unknown>> {
  if (row.protocol === 'oidc') {
    const current = oidcStoredSchema.parse(row.config);
    return {
      issuer: change.issuer ?? current.issuer,
      clientId: change.clientId ?? current.clientId,
      clientSecretSealed: change.clientSecret ? sealSecret(change.clientSecret) : current.clientSecretSealed,
      scopes: change.scopes?.length ? change.scopes : current.scopes,
      groupsClaim: change.groupsClaim ?? current.groupsClaim,
    } satisfies OidcConfig;
  }
  const current = samlStoredSchema.parse(row.config);
  const touched = change.metadataXml || change.metadataUrl || change.idpEntityId || change.idpSsoUrl || change.idpCertificates;
  return {
    ...(touched ? await samlIdpOf(change, current) : pickIdp(current)),
    metadataUrl: change.metadataUrl === undefined ? current.metadataUrl : change.metadataUrl,
  } satisfies SamlConfig;
}

const OIDC_ONLY = ['issuer', 'clientId', 'clientSecret', 'scopes', 'groupsClaim'] as const;
const SAML_ONLY = ['idpEntityId', 'idpSsoUrl', 'idpCertificates', 'metadataXml', 'metadataUrl'] as const;

export async function updateConnection(tx: Tx, access: Access, id: string, change: z.infer<typeof updateConnectionSchema>, baseUrl: string): Promise<ConnectionView> {
  const row = await findConnection(tx, id);
  const foreign = (row.protocol === 'oidc' ? SAML_ONLY : OIDC_ONLY).filter((k) => change[k] !== undefined);
  if (foreign.length) throw new AppError('validation_failed', `${foreign.join(', ')} do not apply to a ${row.protocol.toUpperCase()} connection`);
  await assertAssignableRoles(tx, access, provisioningRoleIds(change));
  if (change.issuer) await assertFetchableUrl(change.issuer);
  const [updated] = await tx
    .update(ssoConnections)
    .set({
      name: change.name ?? row.name,
      status: change.status ?? row.status,
      config: await nextConfig(row, change),
      jitEnabled: change.jitEnabled ?? row.jitEnabled,
      defaultRoleId: change.defaultRoleId === undefined ? row.defaultRoleId : change.defaultRoleId,
      groupRoleMappings: change.groupRoleMappings ?? row.groupRoleMappings,
      updatedAt: new Date(),
    })
    .where(eq(ssoConnections.id, id))
    .returning();
  if (!updated) throw notFound('SSO connection');
  return toConnectionView(updated, baseUrl);
}

export async function deleteConnection(tx: Tx, id: string): Promise<void> {
  const deleted = await tx.delete(ssoConnections).where(eq(ssoConnections.id, id)).returning({ id: ssoConnections.id });
  if (deleted.length === 0) throw notFound('SSO connection');
}
