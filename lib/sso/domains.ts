import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ssoConnections, ssoDomains } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import type { Tx } from '@/lib/db/types';
import { AppError, conflict, notFound } from '@/lib/http/errors';
import { findConnection } from './connections';
import { randomToken } from './crypto';
import { resolveTxt } from './dns';

export const CHALLENGE_PREFIX = '_reflex-challenge';
export const TXT_VALUE_PREFIX = 'reflex-domain-verification=';

// A host name of at least two labels, lower case, no trailing dot: what people type after the @ of their address.
const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .transform((d) => d.replace(/\.$/, ''))
  .pipe(z.string().max(253).regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'Enter a domain such as example.com'));

export const addDomainSchema = z.strictObject({ domain: domainName });
export const updateDomainSchema = z
  .strictObject({
    enforceSso: z.boolean().optional().describe('Refuse password sign-in for addresses in this domain (owners of the organization excepted)'),
    connectionId: z.uuid().nullable().optional().describe('The connection people of this domain sign in with (null: the first active one)'),
  })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change');

export const domainViewSchema = z
  .object({
    id: z.uuid(),
    domain: z.string(),
    verified: z.boolean(),
    verifiedAt: z.iso.datetime().nullable(),
    lastCheckedAt: z.iso.datetime().nullable(),
    enforceSso: z.boolean(),
    connectionId: z.uuid().nullable(),
    txtRecord: z.object({ name: z.string(), type: z.literal('TXT'), value: z.string() }).describe('Create this record at your DNS host, then verify'),
  })
  .meta({ id: 'SsoDomain' });
export type DomainView = z.infer<typeof domainViewSchema>;

export const VERIFY_RESULTS = ['verified', 'record_missing', 'token_mismatch', 'lookup_failed'] as const;
export const verifyResultSchema = z
  .object({
    result: z.enum(VERIFY_RESULTS),
    message: z.string(),
    domain: domainViewSchema,
  })
  .meta({ id: 'SsoDomainVerification' });

type Row = typeof ssoDomains.$inferSelect;

function toView(r: Row): DomainView {
  return {
    id: r.id,
    domain: r.domain,
    verified: r.verifiedAt !== null,
    verifiedAt: r.verifiedAt?.toISOString() ?? null,
    lastCheckedAt: r.lastCheckedAt?.toISOString() ?? null,
    enforceSso: r.enforceSso,
    connectionId: r.connectionId,
    txtRecord: { name: `${CHALLENGE_PREFIX}.${r.domain}`, type: 'TXT', value: `${TXT_VALUE_PREFIX}${r.verificationToken}` },
  };
}

export async function listDomains(tx: Tx): Promise<{ items: DomainView[] }> {
  const rows = await tx.select().from(ssoDomains).orderBy(asc(ssoDomains.domain));
  return { items: rows.map(toView) };
}

async function findDomain(tx: Tx, id: string): Promise<Row> {
  const [row] = await tx.select().from(ssoDomains).where(eq(ssoDomains.id, id)).limit(1);
  if (!row) throw notFound('Domain');
  return row;
}

export async function getDomain(tx: Tx, id: string): Promise<DomainView> {
  return toView(await findDomain(tx, id));
}

// Any organization may start claiming any domain: nothing here tells it whether another one has (that is only
// learnt by proving control of the domain's DNS, at verification).
export async function addDomain(tx: Tx, tenantId: string, input: z.infer<typeof addDomainSchema>): Promise<DomainView> {
  const [existing] = await tx.select({ id: ssoDomains.id }).from(ssoDomains).where(eq(ssoDomains.domain, input.domain)).limit(1);
  if (existing) throw conflict(`${input.domain} is already added`);
  const [row] = await tx.insert(ssoDomains).values({ tenantId, domain: input.domain, verificationToken: randomToken(24) }).returning();
  if (!row) throw new Error('insert returned no row');
  return toView(row);
}

async function lookUp(domain: string, token: string): Promise<{ result: (typeof VERIFY_RESULTS)[number]; message: string }> {
  const name = `${CHALLENGE_PREFIX}.${domain}`;
  let records: string[][];
  try {
    records = await resolveTxt(name);
  } catch (err) {
    const code = err && typeof err === 'object' && 'code' in err ? String(err.code) : '';
    if (code === 'ENOTFOUND' || code === 'ENODATA') return { result: 'record_missing', message: `No TXT record found at ${name}. DNS changes can take a few minutes to appear.` };
    return { result: 'lookup_failed', message: `The DNS lookup for ${name} failed (${code || 'error'}). Try again in a minute.` };
  }
  const values = records.map((chunks) => chunks.join('')).filter((v) => v.startsWith(TXT_VALUE_PREFIX));
  if (values.length === 0) return { result: 'record_missing', message: `${name} has no reflex-domain-verification TXT record yet.` };
  if (!values.includes(`${TXT_VALUE_PREFIX}${token}`)) return { result: 'token_mismatch', message: `The TXT record at ${name} has a different value. Copy the value shown here exactly.` };
  return { result: 'verified', message: `${domain} is verified.` };
}

/** DNS is read before the transaction (the caller passes the outcome in), so no lookup holds a connection. */
export async function checkDomainDns(domain: string, token: string) {
  return lookUp(domain, token);
}

export async function readDomainChallenge(tx: Tx, id: string): Promise<{ domain: string; token: string }> {
  const row = await findDomain(tx, id);
  return { domain: row.domain, token: row.verificationToken };
}

export async function recordDomainCheck(
  tx: Tx,
  tenantId: string,
  id: string,
  checked: { domain: string; token: string; result: (typeof VERIFY_RESULTS)[number]; message: string },
): Promise<z.infer<typeof verifyResultSchema>> {
  const row = await findDomain(tx, id);
  // The challenge changed between the lookup and now (deleted and re-added): the lookup proves nothing.
  if (row.domain !== checked.domain || row.verificationToken !== checked.token) throw notFound('Domain');
  const now = new Date();
  if (checked.result !== 'verified') {
    const [updated] = await tx.update(ssoDomains).set({ lastCheckedAt: now, updatedAt: now }).where(eq(ssoDomains.id, id)).returning();
    return { result: checked.result, message: checked.message, domain: toView(updated ?? row) };
  }
  const [owner] = await queryRows<{ tenant_id: string }>(tx, sql`select tenant_id from reflex_sso_discover(${row.domain})`);
  if (owner && owner.tenant_id !== tenantId) {
    throw conflict(`${row.domain} is verified by another organization. Ask them to remove it, or contact support.`);
  }
  const [updated] = await tx
    .update(ssoDomains)
    .set({ verifiedAt: row.verifiedAt ?? now, lastCheckedAt: now, updatedAt: now })
    .where(eq(ssoDomains.id, id))
    .returning();
  return { result: 'verified', message: checked.message, domain: toView(updated ?? row) };
}

export async function updateDomain(tx: Tx, id: string, change: z.infer<typeof updateDomainSchema>): Promise<DomainView> {
  const row = await findDomain(tx, id);
  if (change.connectionId) await findConnection(tx, change.connectionId);
  if (change.enforceSso === true) {
    if (!row.verifiedAt) throw new AppError('validation_failed', 'Verify the domain before requiring SSO for it');
    const [active] = await tx.select({ id: ssoConnections.id }).from(ssoConnections).where(eq(ssoConnections.status, 'active')).limit(1);
    if (!active) throw new AppError('validation_failed', 'Add an active SSO connection before requiring SSO: otherwise nobody in this domain could sign in');
  }
  const [updated] = await tx
    .update(ssoDomains)
    .set({
      enforceSso: change.enforceSso ?? row.enforceSso,
      connectionId: change.connectionId === undefined ? row.connectionId : change.connectionId,
      updatedAt: new Date(),
    })
    .where(eq(ssoDomains.id, id))
    .returning();
  return toView(updated ?? row);
}

export async function deleteDomain(tx: Tx, id: string): Promise<void> {
  const deleted = await tx.delete(ssoDomains).where(eq(ssoDomains.id, id)).returning({ id: ssoDomains.id });
  if (deleted.length === 0) throw notFound('Domain');
}

/** The verified domains of the current tenant (RLS): which addresses this organization may sign in through SSO. */
export async function verifiedDomains(tx: Tx): Promise<string[]> {
  const rows = await tx.select({ domain: ssoDomains.domain }).from(ssoDomains).where(and(isNotNull(ssoDomains.verifiedAt)));
  return rows.map((r) => r.domain);
}
