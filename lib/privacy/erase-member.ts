import { and, eq, or, sql, type SQLWrapper } from 'drizzle-orm';
import { z } from 'zod';
import { actorOf } from '@/lib/audit/events';
import { pseudonymizeAuditActor, recordAuditEvent } from '@/lib/audit/record';
import { OWNER_ROLE_KEY } from '@/lib/auth/permissions';
import type { Principal } from '@/lib/auth/principal';
import { asAuthRole } from '@/lib/db/auth-role';
import { getDb } from '@/lib/db/client';
import {
  accountEmailDeliveries,
  apiKeys,
  documents,
  emailDeliveries,
  integrationConnections,
  integrationOauthStates,
  slackUserLinks,
  taskFieldChanges,
  invitations,
  memberships,
  privacyExports,
  roles,
  tasks,
  user,
  verification,
} from '@/lib/db/schema';
import { hashRecipient } from '@/lib/email/crypto';
import { deleteTenantBlob } from '@/lib/storage';
import { queryRows } from '@/lib/db/sql';
import type { Tx } from '@/lib/db/types';
import { deleteDocument } from '@/lib/documents/documents';
import { conflict, forbidden, notFound } from '@/lib/http/errors';
import { eraseConversationsOf } from './erase-conversations';
import type { Access } from '@/lib/tenancy/access';
import { assertCovers } from '@/lib/tenancy/roles';

export const erasureResultSchema = z
  .object({
    membershipId: z.uuid(),
    documentsDeleted: z.number().int(),
    conversationsDeleted: z.number().int().describe('Their own assistant conversations; others that name them are de-identified'),
    tasksDeidentified: z.number().int(),
    apiKeysDeleted: z.number().int(),
    invitationsDeleted: z.number().int(),
    auditEntriesPseudonymized: z.number().int(),
    /** True when the person belonged to no other organization, so their account itself was deleted too. */
    accountDeleted: z.boolean(),
  })
  .meta({ id: 'MemberErasure' });

export type ErasureResult = z.infer<typeof erasureResultSchema>;

const REDACTED = '[erased]';
// A name this short ("Al") would scrub ordinary words out of other people's task text.
const MIN_SCRUB_LENGTH = 3;

interface Subject {
  userId: string;
  email: string;
  name: string;
  roleKey: string;
  permissions: string[];
}

async function loadSubject(tx: Tx, membershipId: string): Promise<Subject> {
  const [row] = await tx
    .select({ userId: memberships.userId, email: user.email, name: user.name, roleKey: roles.key, permissions: roles.permissions })
    .from(memberships)
    .innerJoin(user, eq(user.id, memberships.userId))
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(eq(memberships.id, membershipId))
    .limit(1);
  if (!row) throw notFound('Member');
  return row;
}

async function assertNotLastOwner(tx: Tx, access: Access, subject: Subject): Promise<void> {
  if (subject.roleKey !== OWNER_ROLE_KEY) return;
  if (access.roleKey !== OWNER_ROLE_KEY && !access.permissions.has('tenant:manage')) {
    throw forbidden('Only an owner can erase an owner');
  }
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(eq(roles.key, OWNER_ROLE_KEY));
  if ((row?.n ?? 0) <= 1) throw conflict('The last owner cannot be erased; make someone else an owner first');
}

function scrubTerms(subject: Subject): string[] {
  return [subject.email, subject.name].filter((t) => t.trim().length >= MIN_SCRUB_LENGTH);
}

// Nested replace() calls: one per term, applied to a text expression (a column, or a jsonb value as text).
function scrubbed(text: SQLWrapper, terms: string[]) {
  return terms.reduce((expr, term) => sql`replace(${expr}, ${term}, ${REDACTED})`, sql`${text}`);
}

function mentions(text: SQLWrapper, terms: string[]) {
  return or(...terms.map((term) => sql`strpos(${text}, ${term}) > 0`));
}

// A jsonb value as text: history values are strings (titles, descriptions, assignee emails).
const jsonText = (column: typeof taskFieldChanges.value | typeof taskFieldChanges.losingValue) => sql`(${column} #>> '{}')`;

function scrubbedJson(column: typeof taskFieldChanges.value | typeof taskFieldChanges.losingValue, terms: string[]) {
  return sql`case when jsonb_typeof(${column}) = 'string' then to_jsonb(${scrubbed(jsonText(column), terms)}) else ${column} end`;
}

// The history of values that lost to Asana is kept with the task, so the person comes out of it too.
async function deidentifyTaskHistory(tx: Tx, terms: string[]): Promise<void> {
  if (terms.length === 0) return;
  await tx
    .update(taskFieldChanges)
    .set({ value: scrubbedJson(taskFieldChanges.value, terms), losingValue: scrubbedJson(taskFieldChanges.losingValue, terms) })
    .where(or(mentions(jsonText(taskFieldChanges.value), terms), mentions(jsonText(taskFieldChanges.losingValue), terms)));
}

// Tasks are team work and stay; only the person is taken out of them.
async function deidentifyTasks(tx: Tx, subject: Subject): Promise<number> {
  const terms = scrubTerms(subject);
  const touched = new Set<string>();
  const byRef = await tx
    .update(tasks)
    .set({
      createdBy: sql`case when ${tasks.createdBy} = ${subject.userId} then null else ${tasks.createdBy} end`,
      assigneeId: sql`case when ${tasks.assigneeId} = ${subject.userId} then null else ${tasks.assigneeId} end`,
      version: sql`${tasks.version} + 1`,
      updatedAt: new Date(),
    })
    .where(or(eq(tasks.createdBy, subject.userId), eq(tasks.assigneeId, subject.userId)))
    .returning({ id: tasks.id });
  for (const r of byRef) touched.add(r.id);
  if (terms.length > 0) {
    const byText = await tx
      .update(tasks)
      .set({
        title: scrubbed(tasks.title, terms),
        description: scrubbed(tasks.description, terms),
        version: sql`${tasks.version} + 1`,
        updatedAt: new Date(),
      })
      .where(or(mentions(tasks.title, terms), mentions(tasks.description, terms)))
      .returning({ id: tasks.id });
    for (const r of byText) touched.add(r.id);
  }
  await deidentifyTaskHistory(tx, terms);
  return touched.size;
}

async function deleteUploadedDocuments(tx: Tx, tenantId: string, userId: string): Promise<number> {
  const owned = await tx.select({ id: documents.id }).from(documents).where(eq(documents.createdBy, userId));
  for (const doc of owned) await deleteDocument(tx, tenantId, doc.id);
  return owned.length;
}

async function removeInvitations(tx: Tx, subject: Subject): Promise<number> {
  // The record of emails sent to them (invitations): keyed by a hash of the address, personal all the same.
  await tx.delete(emailDeliveries).where(eq(emailDeliveries.recipientHash, hashRecipient(subject.email)));
  const deleted = await tx
    .delete(invitations)
    .where(sql`lower(${invitations.email}) = lower(${subject.email})`)
    .returning({ id: invitations.id });
  await tx
    .update(invitations)
    .set({
      invitedBy: sql`case when ${invitations.invitedBy} = ${subject.userId} then null else ${invitations.invitedBy} end`,
      acceptedBy: sql`case when ${invitations.acceptedBy} = ${subject.userId} then null else ${invitations.acceptedBy} end`,
    })
    .where(or(eq(invitations.invitedBy, subject.userId), eq(invitations.acceptedBy, subject.userId)));
  return deleted.length;
}

// The realtime outbox is a short-lived replay buffer: events that carry the person (a task payload naming them)
// are dropped; a reader resuming across the gap simply refetches.
async function dropRealtimeEvents(tx: Tx, subject: Subject): Promise<void> {
  const terms = [subject.userId, ...scrubTerms(subject)];
  await tx.execute(sql`delete from realtime_events where ${sql.join(
    terms.map((t) => sql`strpos(payload::text, ${t}) > 0`),
    sql` or `,
  )}`);
}

/**
 * Erases one member's personal data from the current tenant, inside its transaction. `membershipId` names the
 * member (as in /api/v1/members), so the URL, and the audit entry that records it, never carry a person's id.
 * Returns the user id for eraseOrphanedAccount(), which must run after this transaction commits.
 */
// Data exports they asked for hold their personal data: the archives and their rows go.
async function deleteRequestedExports(tx: Tx, tenantId: string, userId: string): Promise<void> {
  const gone = await tx
    .delete(privacyExports)
    .where(eq(privacyExports.requestedBy, userId))
    .returning({ blobKey: privacyExports.blobKey });
  for (const { blobKey } of gone) if (blobKey) await deleteTenantBlob(tenantId, blobKey);
}

export async function eraseMember(
  tx: Tx,
  access: Access,
  principal: Principal,
  tenantId: string,
  membershipId: string,
): Promise<{ result: ErasureResult; userId: string; traces: string[] }> {
  const subject = await loadSubject(tx, membershipId);
  // The request's own audit entry names its actor, and would name the very person just erased.
  if (principal.kind === 'user' && principal.userId === subject.userId) {
    throw conflict('You cannot erase yourself; ask another administrator');
  }
  await assertNotLastOwner(tx, access, subject);
  assertCovers(access, subject.permissions, 'erase');
  const documentsDeleted = await deleteUploadedDocuments(tx, tenantId, subject.userId);
  const tasksDeidentified = await deidentifyTasks(tx, subject);
  const invitationsDeleted = await removeInvitations(tx, subject);
  const conversationsDeleted = await eraseConversationsOf(tx, subject.userId, scrubTerms(subject), REDACTED);
  const keys = await tx.delete(apiKeys).where(eq(apiKeys.createdBy, subject.userId)).returning({ id: apiKeys.id });
  await dropRealtimeEvents(tx, subject);
  await deleteRequestedExports(tx, tenantId, subject.userId);
  // An integration belongs to the organization and keeps working; it just no longer names who connected it.
  await tx.update(integrationConnections).set({ connectedBy: null }).where(eq(integrationConnections.connectedBy, subject.userId));
  await tx.delete(integrationOauthStates).where(eq(integrationOauthStates.userId, subject.userId));
  // Slack stops answering as them.
  await tx.delete(slackUserLinks).where(eq(slackUserLinks.userId, subject.userId));
  await tx.delete(memberships).where(and(eq(memberships.id, membershipId), eq(memberships.userId, subject.userId)));
  const auditEntriesPseudonymized = await pseudonymizeAuditActor(tx, subject.userId);
  // Read through the definer function: this transaction cannot see other tenants' memberships.
  const elsewhere = await queryRows<{ tenant_id: string }>(tx, sql`select tenant_id from reflex_user_tenants(${subject.userId}) limit 1`);
  const result = {
    membershipId,
    documentsDeleted,
    conversationsDeleted,
    tasksDeidentified,
    apiKeysDeleted: keys.length,
    invitationsDeleted,
    auditEntriesPseudonymized,
    accountDeleted: elsewhere.length === 0,
  };
  await recordAuditEvent(tx, {
    action: 'privacy.member_erased',
    actor: actorOf(principal),
    target: { type: 'membership', id: membershipId },
    metadata: { ...result },
  });
  // What the platform half searches the pipeline history for. Names shorter than 3 characters match too much.
  const traces = [subject.userId, subject.email, ...(subject.name.length >= 3 ? [subject.name] : [])];
  return { result, userId: subject.userId, traces };
}

/**
 * The platform half of an erasure, after the tenant transaction committed (on PGlite never while one is open):
 * a person who now belongs to no organization loses their account, sessions and sign-in records too.
 */
export async function eraseOrphanedAccount(userId: string): Promise<boolean> {
  const db = await getDb();
  const remaining = await queryRows<{ tenant_id: string }>(db, sql`select tenant_id from reflex_user_tenants(${userId}) limit 1`);
  if (remaining.length > 0) return false;
  return db.transaction((tx) =>
    asAuthRole(tx, async (authTx) => {
      const [gone] = await authTx.delete(user).where(eq(user.id, userId)).returning({ email: user.email });
      if (!gone) return false;
      // Sessions and accounts cascade with the user row; verification rows are keyed by the email.
      await authTx.delete(verification).where(sql`strpos(${verification.identifier}, ${gone.email}) > 0`);
      await authTx.delete(accountEmailDeliveries).where(eq(accountEmailDeliveries.recipientHash, hashRecipient(gone.email)));
      return true;
    }),
  );
}
