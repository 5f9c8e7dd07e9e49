import { and, asc, eq, gt, or, type SQL } from 'drizzle-orm';
import {
  aiUsage,
  apiKeys,
  assistantConversations,
  assistantTurns,
  auditLog,
  billingInvoices,
  documents,
  integrationConnections,
  memberships,
  roles,
  slackUserLinks,
  taskFieldChanges,
  tasks,
  user,
} from '@/lib/db/schema';
import { reachEveryMember } from '@/lib/db/member-scope';
import type { Tx } from '@/lib/db/types';
import { toAuditEntry } from '@/lib/audit/query';

export type ExportScope = 'me' | 'tenant';

// Whose data a section reads: one person (scope 'me') or the whole tenant.
export interface ExportSubject {
  scope: ExportScope;
  userId: string;
}

type Row = { id: string } & Record<string, unknown>;
type ReadPage = (tx: Tx, subject: ExportSubject, after: string | null, size: number) => Promise<Row[]>;

const page = (after: string | null, idColumn: Parameters<typeof gt>[0], ...conds: (SQL | undefined)[]) =>
  and(after === null ? undefined : gt(idColumn, after), ...conds);

const mine = (subject: ExportSubject, condition: SQL | undefined) => (subject.scope === 'me' ? condition : undefined);

// Every section reads in id order, in pages, so a large tenant never loads one table at once. Columns are listed
// explicitly: secrets (API key hashes, passwords, invitation tokens) are never selected.
const SECTIONS = {
  profiles: (tx, s, after, size) =>
    tx
      .select({ id: user.id, name: user.name, email: user.email, createdAt: user.createdAt })
      .from(user)
      .innerJoin(memberships, eq(memberships.userId, user.id))
      .where(page(after, user.id, mine(s, eq(user.id, s.userId))))
      .orderBy(asc(user.id))
      .limit(size),
  memberships: (tx, s, after, size) =>
    tx
      .select({
        id: memberships.id,
        userId: memberships.userId,
        roleId: roles.id,
        roleKey: roles.key,
        roleName: roles.name,
        permissions: roles.permissions,
        deactivatedAt: memberships.deactivatedAt,
        externalId: memberships.externalId,
        scimUserName: memberships.scimUserName,
        scimName: memberships.scimName,
        createdAt: memberships.createdAt,
      })
      .from(memberships)
      .innerJoin(roles, eq(roles.id, memberships.roleId))
      .where(page(after, memberships.id, mine(s, eq(memberships.userId, s.userId))))
      .orderBy(asc(memberships.id))
      .limit(size),
  documents: (tx, s, after, size) =>
    tx
      .select({
        id: documents.id,
        title: documents.title,
        kind: documents.kind,
        mime: documents.mime,
        sizeBytes: documents.sizeBytes,
        filename: documents.filename,
        status: documents.status,
        category: documents.category,
        tags: documents.tags,
        summary: documents.summary,
        text: documents.text,
        actionItems: documents.actionItems,
        createdBy: documents.createdBy,
        createdAt: documents.createdAt,
        processedAt: documents.processedAt,
      })
      .from(documents)
      .where(page(after, documents.id, mine(s, eq(documents.createdBy, s.userId))))
      .orderBy(asc(documents.id))
      .limit(size),
  tasks: (tx, s, after, size) =>
    tx
      .select({
        id: tasks.id,
        title: tasks.title,
        description: tasks.description,
        columnId: tasks.columnId,
        assigneeId: tasks.assigneeId,
        dueDate: tasks.dueDate,
        labels: tasks.labels,
        sourceDocumentId: tasks.sourceDocumentId,
        createdBy: tasks.createdBy,
        createdAt: tasks.createdAt,
        updatedAt: tasks.updatedAt,
      })
      .from(tasks)
      .where(page(after, tasks.id, mine(s, or(eq(tasks.createdBy, s.userId), eq(tasks.assigneeId, s.userId)))))
      .orderBy(asc(tasks.id))
      .limit(size),
  // Values that lost under last-writer-wins with Asana (lib/integrations/asana/sync.ts), for the same tasks as above.
  taskHistory: (tx, s, after, size) =>
    tx
      .select({
        id: taskFieldChanges.id,
        taskId: taskFieldChanges.taskId,
        field: taskFieldChanges.field,
        source: taskFieldChanges.source,
        value: taskFieldChanges.value,
        losingSource: taskFieldChanges.losingSource,
        losingValue: taskFieldChanges.losingValue,
        createdAt: taskFieldChanges.createdAt,
      })
      .from(taskFieldChanges)
      .innerJoin(tasks, eq(tasks.id, taskFieldChanges.taskId))
      .where(page(after, taskFieldChanges.id, mine(s, or(eq(tasks.createdBy, s.userId), eq(tasks.assigneeId, s.userId)))))
      .orderBy(asc(taskFieldChanges.id))
      .limit(size),
  apiKeys: (tx, s, after, size) =>
    tx
      .select({
        id: apiKeys.id,
        name: apiKeys.name,
        prefix: apiKeys.prefix,
        scopes: apiKeys.scopes,
        createdBy: apiKeys.createdBy,
        expiresAt: apiKeys.expiresAt,
        lastUsedAt: apiKeys.lastUsedAt,
        revokedAt: apiKeys.revokedAt,
        createdAt: apiKeys.createdAt,
      })
      .from(apiKeys)
      .where(page(after, apiKeys.id, mine(s, eq(apiKeys.createdBy, s.userId))))
      .orderBy(asc(apiKeys.id))
      .limit(size),
  // Private to their owner in the app; an export on the organization's behalf reaches every member's.
  conversations: async (tx, s, after, size) => {
    await reachEveryMember(tx);
    return tx
      .select({
        id: assistantConversations.id,
        userId: assistantConversations.userId,
        title: assistantConversations.title,
        turnCount: assistantConversations.turnCount,
        createdAt: assistantConversations.createdAt,
        updatedAt: assistantConversations.updatedAt,
      })
      .from(assistantConversations)
      .where(page(after, assistantConversations.id, mine(s, eq(assistantConversations.userId, s.userId))))
      .orderBy(asc(assistantConversations.id))
      .limit(size);
  },
  assistantTurns: async (tx, s, after, size) => {
    await reachEveryMember(tx);
    return tx
      .select({
        id: assistantTurns.id,
        conversationId: assistantTurns.conversationId,
        userId: assistantTurns.userId,
        ord: assistantTurns.ord,
        question: assistantTurns.question,
        searchQuery: assistantTurns.searchQuery,
        documentIds: assistantTurns.documentIds,
        status: assistantTurns.status,
        answer: assistantTurns.answer,
        citations: assistantTurns.citations,
        provider: assistantTurns.provider,
        model: assistantTurns.model,
        confidence: assistantTurns.confidence,
        error: assistantTurns.error,
        createdAt: assistantTurns.createdAt,
        answeredAt: assistantTurns.answeredAt,
      })
      .from(assistantTurns)
      .where(page(after, assistantTurns.id, mine(s, eq(assistantTurns.userId, s.userId))))
      .orderBy(asc(assistantTurns.id))
      .limit(size);
  },
  // Connections to Slack, Google Drive, Asana: what was connected, by whom, and its sync record. Never the tokens.
  integrations: (tx, s, after, size) =>
    tx
      .select({
        id: integrationConnections.id,
        provider: integrationConnections.provider,
        status: integrationConnections.status,
        externalAccountId: integrationConnections.externalAccountId,
        externalAccountName: integrationConnections.externalAccountName,
        scopes: integrationConnections.scopes,
        settings: integrationConnections.settings,
        connectedBy: integrationConnections.connectedBy,
        lastSyncAt: integrationConnections.lastSyncAt,
        itemsSynced: integrationConnections.itemsSynced,
        lastError: integrationConnections.lastError,
        disconnectedAt: integrationConnections.disconnectedAt,
        createdAt: integrationConnections.createdAt,
      })
      .from(integrationConnections)
      .where(page(after, integrationConnections.id, mine(s, eq(integrationConnections.connectedBy, s.userId))))
      .orderBy(asc(integrationConnections.id))
      .limit(size),
  // Which Slack users answer as this member (lib/integrations/slack/links.ts).
  slackLinks: (tx, s, after, size) =>
    tx
      .select({ id: slackUserLinks.id, teamId: slackUserLinks.teamId, slackUserId: slackUserLinks.slackUserId, userId: slackUserLinks.userId, createdAt: slackUserLinks.createdAt })
      .from(slackUserLinks)
      .where(page(after, slackUserLinks.id, mine(s, eq(slackUserLinks.userId, s.userId))))
      .orderBy(asc(slackUserLinks.id))
      .limit(size),
  // As GET /api/v1/audit shows them; a person's own entries are those they acted in.
  audit: async (tx, s, after, size) => {
    const rows = await tx
      .select()
      .from(auditLog)
      .where(page(after, auditLog.id, mine(s, eq(auditLog.actorId, s.userId))))
      .orderBy(asc(auditLog.id))
      .limit(size);
    return rows.map(toAuditEntry);
  },
  usage: (tx, _s, after, size) =>
    tx
      .select({
        id: aiUsage.id,
        documentId: aiUsage.documentId,
        operation: aiUsage.operation,
        provider: aiUsage.provider,
        model: aiUsage.model,
        inputTokens: aiUsage.inputTokens,
        outputTokens: aiUsage.outputTokens,
        costMicros: aiUsage.costMicros,
        outcome: aiUsage.outcome,
        createdAt: aiUsage.createdAt,
      })
      .from(aiUsage)
      .where(page(after, aiUsage.id))
      .orderBy(asc(aiUsage.id))
      .limit(size),
  // The organization's invoices (lib/billing); the card and payment details stay with the payment provider.
  invoices: (tx, _s, after, size) =>
    tx
      .select({
        id: billingInvoices.id,
        periodStart: billingInvoices.periodStart,
        seats: billingInvoices.seats,
        unitPriceCents: billingInvoices.unitPriceCents,
        amountCents: billingInvoices.amountCents,
        currency: billingInvoices.currency,
        status: billingInvoices.status,
        issuedAt: billingInvoices.issuedAt,
        dueAt: billingInvoices.dueAt,
        failedAt: billingInvoices.failedAt,
        paidAt: billingInvoices.paidAt,
        providerInvoiceId: billingInvoices.providerInvoiceId,
      })
      .from(billingInvoices)
      .where(page(after, billingInvoices.id))
      .orderBy(asc(billingInvoices.id))
      .limit(size),
} satisfies Record<string, ReadPage>;

export type ExportSection = keyof typeof SECTIONS;

const ME_SECTIONS: readonly ExportSection[] = [
  'profiles',
  'memberships',
  'documents',
  'tasks',
  'taskHistory',
  'conversations',
  'assistantTurns',
  'apiKeys',
  'integrations',
  'slackLinks',
  'audit',
];
const TENANT_SECTIONS: readonly ExportSection[] = [...ME_SECTIONS, 'usage', 'invoices'];

export function sectionsFor(scope: ExportScope): readonly ExportSection[] {
  return scope === 'me' ? ME_SECTIONS : TENANT_SECTIONS;
}

export function isExportSection(name: string): name is ExportSection {
  return Object.hasOwn(SECTIONS, name);
}

const PAGE_SIZE = 500;

// One NDJSON line per row: {"section": ..., "data": {...}}.
export async function readSectionLines(tx: Tx, section: ExportSection, subject: ExportSubject): Promise<{ lines: string[]; count: number }> {
  const read: ReadPage = SECTIONS[section];
  const lines: string[] = [];
  let after: string | null = null;
  for (;;) {
    const rows = await read(tx, subject, after, PAGE_SIZE);
    for (const data of rows) lines.push(JSON.stringify({ section, data }));
    const last = rows[rows.length - 1];
    if (!last || rows.length < PAGE_SIZE) break;
    after = last.id;
  }
  return { lines, count: lines.length };
}
