import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { generateToken, hashToken } from '@/lib/auth/api-key-secret';
import type { Permission } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db/client';
import { queryRows } from '@/lib/db/sql';
import { invitations, memberships, roles, tenants, user } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { AppError, conflict, notFound } from '@/lib/http/errors';
import { decodeCursor, toPage } from '@/lib/http/pagination';
import type { Access } from './access';
import { assertCanJoinAnotherOrganization } from './organization-limit';
import { assertGrantable, getRole } from './roles';
import { setActiveTenant, type RequestAuditFacts } from './tenants';
import { recordAuditEvent } from '@/lib/audit/record';
import { latestInvitationEmails } from '@/lib/email/deliveries';
import { queueTenantEmail, type QueuedEmail } from '@/lib/email/request';
import { assertQuota } from '@/lib/quotas';
import { VERIFY_EMAIL_PATH } from './security-policy';

export const INVITATION_TTL_DAYS = 7;

export const invitationSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: z.object({ id: z.uuid(), name: z.string() }),
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    expiresAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
    lastEmail: z
      .object({ status: z.enum(['queued', 'retrying', 'sent', 'failed']), attempts: z.number().int(), sentAt: z.iso.datetime().nullable(), createdAt: z.iso.datetime() })
      .nullable()
      .describe('The latest invitation email and whether it went out'),
  })
  .meta({ id: 'Invitation' });

export const createdInvitationSchema = invitationSchema
  .extend({
    acceptUrl: z.string().describe('Shown once. It is also emailed to the invitee; a resend replaces it with a new link.'),
    token: z.string(),
  })
  .meta({ id: 'CreatedInvitation' });

export const createInvitationSchema = z.strictObject({
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  roleId: z.uuid(),
});

export const acceptInvitationSchema = z.strictObject({ token: z.string().min(20).max(200) });

type Row = typeof invitations.$inferSelect & { roleName: string };

function statusOf(r: typeof invitations.$inferSelect): z.infer<typeof invitationSchema>['status'] {
  if (r.acceptedAt) return 'accepted';
  if (r.revokedAt) return 'revoked';
  if (r.expiresAt.getTime() <= Date.now()) return 'expired';
  return 'pending';
}

type LastEmail = z.infer<typeof invitationSchema>['lastEmail'];

function toInvitation(r: Row, lastEmail: LastEmail = null): z.infer<typeof invitationSchema> {
  return {
    id: r.id,
    email: r.email,
    role: { id: r.roleId, name: r.roleName },
    status: statusOf(r),
    expiresAt: r.expiresAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
    lastEmail,
  };
}

const justQueued = (): LastEmail => ({ status: 'queued', attempts: 0, sentAt: null, createdAt: new Date().toISOString() });

// The invitation email: branded with the organization's name, naming who invited (a person, not an API key).
async function queueInvitationEmail(tx: Tx, access: Access, inv: { id: string; email: string; expiresAt: Date }, roleName: string, acceptUrl: string): Promise<QueuedEmail> {
  const [tenant] = await tx.select({ name: tenants.name }).from(tenants).limit(1);
  const inviterId = access.actor.type === 'user' ? access.actor.userId : null;
  const [inviter] = inviterId ? await tx.select({ name: user.name }).from(user).where(eq(user.id, inviterId)).limit(1) : [];
  return queueTenantEmail(
    tx,
    access.tenantId,
    { template: 'invitation', to: inv.email, brand: tenant?.name ?? 'Reflex', inviter: inviter?.name ?? null, role: roleName, url: acceptUrl, expiresAt: inv.expiresAt.toISOString() },
    { invitationId: inv.id },
  );
}

export interface CreatedInvitation {
  invitation: z.infer<typeof createdInvitationSchema>;
  /** To send once the transaction has committed (lib/email/request.ts). */
  email: QueuedEmail;
}

function selectInvitations(tx: Tx) {
  return tx
    .select({ inv: invitations, roleName: roles.name })
    .from(invitations)
    .innerJoin(roles, eq(roles.id, invitations.roleId));
}

export async function createInvitation(tx: Tx, access: Access, input: z.infer<typeof createInvitationSchema>, baseUrl: string): Promise<CreatedInvitation> {
  const role = await getRole(tx, input.roleId);
  assertGrantable(access, role.permissions as Permission[]);
  await assertQuota(tx, access.tenantId, 'members', 1);
  const [existingMember] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(user, eq(user.id, memberships.userId))
    .where(eq(sql`lower(${user.email})`, input.email))
    .limit(1);
  if (existingMember) throw conflict(`${input.email} is already a member`);
  const token = generateToken();
  const [row] = await tx
    .insert(invitations)
    .values({
      tenantId: access.tenantId,
      email: input.email,
      roleId: role.id,
      tokenHash: hashToken(token),
      invitedBy: access.actor.userId,
      expiresAt: new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000),
    })
    .returning();
  if (!row) throw new AppError('internal', 'Invitation was not created');
  const acceptUrl = `${baseUrl}/invite/${token}`;
  const email = await queueInvitationEmail(tx, access, row, role.name, acceptUrl);
  return { invitation: { ...toInvitation({ ...row, roleName: role.name }, justQueued()), token, acceptUrl }, email };
}

/**
 * Sends the invitation again with a new link (the old one stops working: only a hash of the token is kept, so the
 * old link cannot be re-sent) and a fresh expiry. Accepted and revoked invitations cannot be resent.
 */
export async function resendInvitation(tx: Tx, access: Access, id: string, baseUrl: string): Promise<CreatedInvitation> {
  const [found] = await selectInvitations(tx).where(eq(invitations.id, id)).limit(1);
  if (!found) throw notFound('Invitation');
  const status = statusOf(found.inv);
  if (status === 'accepted') throw conflict('This invitation has already been accepted');
  if (status === 'revoked') throw conflict('This invitation was revoked; create a new one');
  const role = await getRole(tx, found.inv.roleId);
  assertGrantable(access, role.permissions as Permission[]);
  const token = generateToken();
  const [row] = await tx
    .update(invitations)
    .set({ tokenHash: hashToken(token), expiresAt: new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000), updatedAt: new Date() })
    .where(eq(invitations.id, id))
    .returning();
  if (!row) throw notFound('Invitation');
  const acceptUrl = `${baseUrl}/invite/${token}`;
  const email = await queueInvitationEmail(tx, access, row, role.name, acceptUrl);
  return { invitation: { ...toInvitation({ ...row, roleName: role.name }, justQueued()), token, acceptUrl }, email };
}

function lastEmailOf(d: { status: 'queued' | 'retrying' | 'sent' | 'failed'; attempts: number; sentAt: string | null; createdAt: string } | undefined): LastEmail {
  return d ? { status: d.status, attempts: d.attempts, sentAt: d.sentAt, createdAt: d.createdAt } : null;
}

export async function listInvitations(tx: Tx, page: { cursor?: string; limit: number }) {
  const c = decodeCursor(page.cursor);
  const where = c
    ? or(lt(invitations.createdAt, new Date(c.t)), and(eq(invitations.createdAt, new Date(c.t)), lt(invitations.id, c.id)))
    : undefined;
  const rows = await selectInvitations(tx).where(where).orderBy(desc(invitations.createdAt), desc(invitations.id)).limit(page.limit + 1);
  const flat = rows.map((r) => ({ ...r.inv, roleName: r.roleName }));
  const { items, nextCursor } = toPage(flat, page.limit);
  const emails = await latestInvitationEmails(tx, items.map((i) => i.id));
  return { items: items.map((i) => toInvitation(i, lastEmailOf(emails.get(i.id)))), nextCursor };
}

export async function revokeInvitation(tx: Tx, id: string) {
  const [found] = await selectInvitations(tx).where(eq(invitations.id, id)).limit(1);
  if (!found) throw notFound('Invitation');
  if (found.inv.acceptedAt) throw conflict('This invitation has already been accepted');
  const [row] = await tx
    .update(invitations)
    .set({ revokedAt: found.inv.revokedAt ?? new Date(), updatedAt: new Date() })
    .where(eq(invitations.id, id))
    .returning();
  if (!row) throw notFound('Invitation');
  return toInvitation({ ...row, roleName: found.roleName });
}

async function findInvitationTenant(token: string): Promise<{ invitationId: string; tenantId: string }> {
  const [row] = await queryRows<{ invitation_id: string; tenant_id: string }>(
    await getDb(),
    sql`select invitation_id, tenant_id from reflex_resolve_invitation(${hashToken(token)})`,
  );
  if (!row) throw notFound('Invitation');
  return { invitationId: row.invitation_id, tenantId: row.tenant_id };
}

export async function previewInvitation(token: string) {
  const { invitationId, tenantId } = await findInvitationTenant(token);
  return withTenant(tenantId, async (tx) => {
    const [found] = await selectInvitations(tx).where(eq(invitations.id, invitationId)).limit(1);
    const [tenant] = await tx.select({ name: tenants.name }).from(tenants).limit(1);
    if (!found || !tenant) throw notFound('Invitation');
    return { organization: tenant.name, email: found.inv.email, role: found.roleName, status: statusOf(found.inv) };
  });
}

// The invitee is not a member yet, so the tenant is found by the token's hash through a named lookup, and the
// rest happens inside that tenant's transaction. The browser then works in the organization it just joined.
export async function acceptInvitation(principal: { userId: string; email: string; sessionId: string; emailVerified: boolean }, token: string, request: RequestAuditFacts) {
  const { invitationId, tenantId } = await findInvitationTenant(token);
  const accepted = await withTenant(
    tenantId,
    async (tx) => {
      const [inv] = await tx.select().from(invitations).where(and(eq(invitations.id, invitationId), isNull(invitations.revokedAt))).limit(1);
      if (!inv) throw notFound('Invitation');
      // The email check comes first, so that someone holding another person's link learns nothing about it.
      if (inv.email.toLowerCase() !== principal.email.toLowerCase()) {
        throw new AppError('forbidden', `This invitation is for ${inv.email}; sign in with that address to accept it`);
      }
      // Anyone can register any address; only a verified one proves the invitee is the person it was sent to.
      if (!principal.emailVerified) {
        throw new AppError('email_not_verified', `Verify ${inv.email} before joining: open the link we emailed you, or send a new one.`, {
          details: { nextStep: { page: VERIFY_EMAIL_PATH, api: 'POST /api/auth/send-verification-email' } },
        });
      }
      const status = statusOf(inv);
      if (status === 'accepted') throw conflict('This invitation has already been used');
      if (status === 'expired') throw new AppError('gone', 'This invitation has expired; ask for a new one');
      await assertCanJoinAnotherOrganization(tx, principal.userId, tenantId);
      await tx
        .insert(memberships)
        .values({ tenantId, userId: principal.userId, roleId: inv.roleId })
        .onConflictDoNothing({ target: [memberships.tenantId, memberships.userId] });
      await tx
        .update(invitations)
        .set({ acceptedAt: new Date(), acceptedBy: principal.userId, updatedAt: new Date() })
        .where(eq(invitations.id, invitationId));
      await recordAuditEvent(tx, {
        action: 'acceptInvitation',
        actor: { type: 'user', id: principal.userId, label: principal.email },
        target: { type: 'invitation', id: invitationId },
        ...request,
      });
      return { tenantId };
    },
    { userId: principal.userId },
  );
  await setActiveTenant(principal.sessionId, tenantId);
  return accepted;
}
