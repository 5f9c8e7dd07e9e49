import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Principal } from '@/lib/auth/principal';
import { findUserByEmail } from '@/lib/auth/users';
import { getDb } from '@/lib/db/client';
import { memberships } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { logger } from '@/lib/log';
import { oneLine } from './encode';
import { recordAuditEvent, type AuditEventInput } from './record';

// Where each class of event is written, and why (the entry points of lib/http and lib/auth call these):
//  - A mutating tenant request: one entry in the same transaction as the change (lib/http/route.ts), so a
//    rolled-back change leaves no entry.
//  - A 401/403 on a tenant request: one entry in its own transaction (the request's transaction rolled back),
//    but only when the caller provably belongs to the tenant (an API key of that tenant, or a member): otherwise
//    anyone could write into any tenant's log by naming it. Anonymous refusals go to the application log.
//  - A successful sign-in: one entry in each tenant the account belongs to. A sign-in belongs to no tenant, yet
//    each of them has a stake in who gets into an account that can act in it, and an entry per tenant keeps every
//    chain self-contained (exportable and verifiable by that tenant alone).
//  - A failed sign-in: one entry, in the account's first organization (the order of /api/v1/me). Anyone can send
//    failures for any address, so each must cost one bounded write, not one per organization the victim belongs
//    to. A failed sign-in for an address with no account goes to the application log only, with the address
//    hashed: it concerns no tenant, and a table of attacker-chosen addresses would be a liability, not evidence.
//  - A platform action (provisioning): one entry in the tenant it acted on, actor `system`/`platform`.

export interface RequestFacts {
  requestId: string;
  ip: string;
  userAgent: string;
  method: string;
  /** The route pattern (`/api/v1/members/{id}`), never the raw URL. */
  route: string;
}

export type AuditActor = AuditEventInput['actor'];

export function actorOf(principal: Principal): AuditActor {
  return principal.kind === 'user'
    ? { type: 'user', id: principal.userId, label: principal.email }
    : { type: 'api_key', id: principal.keyId, label: null };
}

function requestFields(facts: RequestFacts) {
  return { requestId: facts.requestId, ip: facts.ip, userAgent: facts.userAgent };
}

export async function recordRequestEvent(
  tx: Tx,
  input: { principal: Principal; action: string; facts: RequestFacts; status: number; target: { type: string; id: string | null } },
): Promise<void> {
  await recordAuditEvent(tx, {
    action: input.action,
    actor: actorOf(input.principal),
    target: input.target,
    ...requestFields(input.facts),
    metadata: { method: input.facts.method, route: input.facts.route, status: input.status },
  });
}

const hashForLog = (value: string): string => createHash('sha256').update(value.toLowerCase()).digest('hex').slice(0, 16);

// Never throws: an audit failure must not turn a refusal into a 500. It is logged at error level instead.
export async function recordDenial(input: {
  principal: Principal;
  tenantId: string | null;
  action: string;
  facts: RequestFacts;
  status: number;
  code: string;
}): Promise<void> {
  const { principal, tenantId, facts } = input;
  try {
    const inTenant = principal.kind === 'apiKey' ? principal.tenantId : tenantId;
    if (!inTenant) return;
    await withTenant(
      inTenant,
      async (tx) => {
        if (principal.kind === 'user') {
          const [member] = await tx.select({ id: memberships.id }).from(memberships).where(eq(memberships.userId, principal.userId)).limit(1);
          if (!member) return;
        }
        await recordAuditEvent(tx, {
          action: input.action,
          outcome: 'denied',
          actor: actorOf(principal),
          ...requestFields(facts),
          metadata: { method: facts.method, route: facts.route, status: input.status, code: input.code },
        });
      },
      { userId: principal.kind === 'user' ? principal.userId : null },
    );
  } catch (err) {
    logger.error('audit: could not record an authorization failure', {
      requestId: facts.requestId,
      action: input.action,
      error: oneLine(err instanceof Error ? err.message : String(err)),
    });
  }
}

export function logAnonymousDenial(facts: RequestFacts, status: number, code: string): void {
  logger.warn('refused an unauthenticated request', { requestId: facts.requestId, route: facts.route, method: facts.method, status, code, ip: oneLine(facts.ip, 100) });
}

async function tenantsOfUser(userId: string, limit: number | null): Promise<string[]> {
  const rows = await queryRows<{ tenant_id: string }>(
    await getDb(),
    sql`select tenant_id from reflex_user_tenants(${userId}) order by name, tenant_id ${limit === null ? sql`` : sql`limit ${limit}`}`,
  );
  return rows.map((r) => r.tenant_id);
}

// Something that happened to an account (sign-in, password reset, MFA on or off, change of address): one entry
// in each tenant the account belongs to (see the table at the top of this file). Never throws: the change itself
// has already happened.
export async function recordAccountEvent(input: {
  user: { id: string; email: string };
  action: string;
  outcome?: 'success' | 'failure';
  facts: RequestFacts;
  metadata?: Record<string, string | number | boolean>;
  // How many of the account's organizations get the entry (by name); null: all of them.
  inTenants?: number | null;
}): Promise<void> {
  const { facts, user } = input;
  try {
    for (const tenantId of await tenantsOfUser(user.id, input.inTenants ?? null)) {
      await withTenant(tenantId, (tx) =>
        recordAuditEvent(tx, {
          action: input.action,
          outcome: input.outcome ?? 'success',
          // No target: the user id would sit in the hashed payload, out of reach of erasure.
          actor: { type: 'user', id: user.id, label: user.email },
          ...requestFields(facts),
          metadata: input.metadata ?? {},
        }),
      );
    }
  } catch (err) {
    logger.error('audit: could not record an account event', { requestId: facts.requestId, action: input.action, error: oneLine(err instanceof Error ? err.message : String(err)) });
  }
}

// A password sign-in, by the address it named. `secondFactor` says whether it still waits for a TOTP or backup code
// (then no session exists yet; completing it is recorded as its own sign-in with method totp or backup_code).
export async function recordSignIn(input: { email: string; succeeded: boolean; status: number; facts: RequestFacts; secondFactorPending?: boolean }): Promise<void> {
  const { facts } = input;
  try {
    const user = await findUserByEmail(input.email);
    if (!user) {
      logger.warn('sign-in failed for an address with no account', { requestId: facts.requestId, emailHash: hashForLog(input.email), ip: oneLine(facts.ip, 100) });
      return;
    }
    const metadata: Record<string, string | number | boolean> = { method: 'password', status: input.status };
    if (input.secondFactorPending) metadata.secondFactor = 'pending';
    // A failure is written once, in the account's first organization: a wrong password must not cost one audit
    // entry per organization the address belongs to.
    await recordAccountEvent({ user, action: 'auth.signIn', outcome: input.succeeded ? 'success' : 'failure', facts, metadata, inTenants: input.succeeded ? null : 1 });
  } catch (err) {
    logger.error('audit: could not record a sign-in', { requestId: facts.requestId, error: oneLine(err instanceof Error ? err.message : String(err)) });
  }
}

export async function recordPlatformAction(input: { tenantId: string; action: string; facts: RequestFacts; target: { type: string; id: string } }): Promise<void> {
  await withTenant(input.tenantId, (tx) =>
    recordAuditEvent(tx, {
      action: input.action,
      actor: { type: 'system', id: 'platform', label: null },
      target: input.target,
      ...requestFields(input.facts),
      metadata: { method: input.facts.method, route: input.facts.route },
    }),
  );
}
