import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { apiKeys, documents, integrationConnections, invitations, memberships, roles, scimGroups, tasks, tenants, user } from '@/lib/db/schema';
import { isUuid } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { describeAuditAction } from './actions';
import { auditEntrySchema, listAuditEvents, type AuditEntry, type AuditListQuery } from './query';

// The audit log as people read it: who (a name, not a uuid), did what ("Created an API key"), to what (the key's
// name). Resolved at read time inside the tenant transaction, so RLS decides what can be named; a target that no
// longer exists, or a private one (someone's conversation), is described by its kind only. The hashed entry
// itself is unchanged: these words are not part of the evidence.

export const auditListEntrySchema = auditEntrySchema
  .extend({
    display: z.object({
      action: z.string().describe('The action in words, e.g. "Created an API key" or "Tried to delete a role"'),
      actor: z.string().describe('The member\'s name, the API key\'s name, or what else acted'),
      actorDetail: z.string().nullable().describe('The member\'s email, for telling people with the same name apart'),
      target: z.string().nullable().describe('What was acted on, by name; null when it can no longer be named (deleted, or private)'),
    }),
  })
  .meta({ id: 'AuditListEntry' });
export type AuditListEntry = z.infer<typeof auditListEntrySchema>;

// Target types are the operation tags (lib/api/*.ts) plus the few the application records itself.
const TARGET_KIND: Record<string, string> = {
  members: 'a member',
  membership: 'a member',
  roles: 'a role',
  'api-keys': 'an API key',
  invitations: 'an invitation',
  documents: 'a document',
  tasks: 'a task',
  assistant: 'a conversation',
  tenant: 'the organization',
  identity: 'the organization',
  privacy: 'a data export',
  'scim-groups': 'a SCIM group',
  integration: 'a connection',
  integrations: 'a connection',
};

type Names = Map<string, string>;

async function namesOf(tx: Tx, type: string, ids: string[]): Promise<Names> {
  if (ids.length === 0) return new Map();
  const pairs = (rows: { id: string; name: string }[]): Names => new Map(rows.map((r) => [r.id, r.name]));
  switch (type) {
    case 'members':
      return pairs(
        await tx
          .select({ id: memberships.id, name: user.name })
          .from(memberships)
          .innerJoin(user, eq(user.id, memberships.userId))
          .where(inArray(memberships.id, ids)),
      );
    case 'roles':
      return pairs(await tx.select({ id: roles.id, name: roles.name }).from(roles).where(inArray(roles.id, ids)));
    case 'api-keys':
      return pairs(await tx.select({ id: apiKeys.id, name: apiKeys.name }).from(apiKeys).where(inArray(apiKeys.id, ids)));
    case 'invitations':
      return pairs(await tx.select({ id: invitations.id, name: invitations.email }).from(invitations).where(inArray(invitations.id, ids)));
    case 'documents':
      return pairs(await tx.select({ id: documents.id, name: documents.title }).from(documents).where(inArray(documents.id, ids)));
    case 'tasks':
      return pairs(await tx.select({ id: tasks.id, name: tasks.title }).from(tasks).where(inArray(tasks.id, ids)));
    case 'scim-groups':
      return pairs(await tx.select({ id: scimGroups.id, name: scimGroups.displayName }).from(scimGroups).where(inArray(scimGroups.id, ids)));
    case 'integration':
    case 'integrations':
      return pairs(
        await tx
          .select({ id: integrationConnections.id, name: integrationConnections.externalAccountName })
          .from(integrationConnections)
          .where(inArray(integrationConnections.id, ids)),
      );
    case 'tenant':
    case 'identity':
      return pairs(await tx.select({ id: tenants.id, name: tenants.name }).from(tenants).where(inArray(tenants.id, ids)));
    default:
      return new Map();
  }
}

function uuidsOf(values: (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && isUuid(v)))];
}

export async function describeAuditEntries(tx: Tx, entries: AuditEntry[]): Promise<AuditListEntry[]> {
  const userIds = uuidsOf(entries.filter((e) => e.actor.type === 'user').map((e) => e.actor.id));
  const keyIds = uuidsOf(entries.filter((e) => e.actor.type === 'api_key').map((e) => e.actor.id));
  // Users are readable only while they are members here (the "user" policy): a former member keeps their email.
  const people = userIds.length ? await tx.select({ id: user.id, name: user.name, email: user.email }).from(user).where(inArray(user.id, userIds)) : [];
  const byUser = new Map(people.map((p) => [p.id, p]));
  const keyNames = await namesOf(tx, 'api-keys', keyIds);
  const targetNames = new Map<string, Names>();
  for (const type of new Set(entries.map((e) => e.target?.type).filter((t): t is string => Boolean(t)))) {
    targetNames.set(type, await namesOf(tx, type, uuidsOf(entries.filter((e) => e.target?.type === type).map((e) => e.target?.id))));
  }

  return entries.map((e) => {
    const person = e.actor.id ? byUser.get(e.actor.id) : undefined;
    let actor: string;
    let actorDetail: string | null = null;
    if (e.actor.type === 'user') {
      actor = person?.name ?? e.actor.label ?? (e.erasedAt ? 'An erased member' : 'A former member');
      actorDetail = person?.email ?? (person ? null : e.actor.label);
      if (actorDetail === actor) actorDetail = null;
    } else if (e.actor.type === 'api_key') {
      const keyName = e.actor.id ? keyNames.get(e.actor.id) : undefined;
      actor = keyName === undefined ? 'A deleted API key' : `API key “${keyName}”`;
    } else {
      actor = e.actor.id === 'platform' ? 'Platform operator' : e.actor.id?.startsWith('scim:') ? `SCIM provisioning${e.actor.label ? ` (token “${e.actor.label}”)` : ''}` : 'Reflex';
    }
    // Only a target that can be named adds anything: "Created a role" already says what kind of thing it was.
    const type = e.target?.id ? e.target.type : null;
    const name = type && e.target?.id ? targetNames.get(type)?.get(e.target.id) : undefined;
    const target = type && name !== undefined ? `${TARGET_KIND[type] ?? type} “${name}”` : null;
    return { ...e, display: { action: describeAuditAction(e.action, e.outcome), actor, actorDetail, target } };
  });
}

// GET /api/v1/audit: a page of entries, each with its words.
export async function listAuditPage(tx: Tx, q: AuditListQuery): Promise<{ items: AuditListEntry[]; nextCursor: string | null }> {
  const page = await listAuditEvents(tx, q);
  return { items: await describeAuditEntries(tx, page.items), nextCursor: page.nextCursor };
}
