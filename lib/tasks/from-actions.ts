import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { memberships, tasks, user } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { INBOX_COLUMN_KEY } from './columns';
import { parseDueHint } from './due-hint';
import { insertTask } from './tasks';

export const actionItemInputSchema = z.object({
  title: z.string().trim().min(1).max(500),
  ownerHint: z.string().trim().max(200).optional(),
  dueHint: z.string().trim().max(200).optional(),
  dueDate: z.iso.date().optional(),
  quote: z.string().trim().max(1000).optional(),
});

export type ActionItemInput = z.infer<typeof actionItemInputSchema>;

export interface MemberIdentity {
  userId: string;
  name: string;
  email: string;
}

function normalize(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

function unique<T>(found: T[]): T | null {
  return found.length === 1 ? (found[0] ?? null) : null;
}

// Maps an owner hint ("Alice", "@alice.smith", "alice@example.com", "Alice Smith") to exactly one member.
// Tried from most to least specific; a tie at any level means "don't guess" (null).
export function matchOwner(hint: string | undefined, members: readonly MemberIdentity[]): MemberIdentity | null {
  if (!hint) return null;
  const h = normalize(hint.replace(/^@/, ''));
  if (!h) return null;
  const emailOf = (m: MemberIdentity) => m.email.toLowerCase();
  const localPart = (m: MemberIdentity) => emailOf(m).split('@')[0] ?? '';
  const fullName = (m: MemberIdentity) => normalize(m.name);
  const tiers: ((m: MemberIdentity) => boolean)[] = [
    (m) => emailOf(m) === h,
    (m) => fullName(m) === h,
    (m) => localPart(m) === h,
    (m) => fullName(m).replace(/ /g, '.') === h || fullName(m).replace(/ /g, '') === h,
    (m) => fullName(m).split(' ')[0] === h,
    (m) => localPart(m).split(/[._-]/)[0] === h,
  ];
  for (const tier of tiers) {
    const hits = members.filter(tier);
    if (hits.length > 0) return unique(hits);
  }
  return null;
}

async function loadMembers(tx: Tx): Promise<MemberIdentity[]> {
  return tx
    .select({ userId: memberships.userId, name: user.name, email: user.email })
    .from(memberships)
    .innerJoin(user, eq(user.id, memberships.userId));
}

// The task shows its document and quote itself; the description keeps only what could not be turned into fields.
function describe(item: ActionItemInput, ownerMatched: boolean, dueDate: string | null): string {
  const lines: string[] = [];
  if (item.ownerHint && !ownerMatched) lines.push(`Owner mentioned: ${item.ownerHint}`);
  if (item.dueHint && !dueDate) lines.push(`Due mentioned: ${item.dueHint}`);
  return lines.join('\n');
}

export interface CreatedFromActions {
  created: string[];
  skipped: number;
}

// Creates one task per action item of a document, at most once per (document, item index): running it again
// for the same document (a retry, a reprocess) creates nothing new and leaves edited tasks alone.
export async function createTasksFromActions(
  tx: Tx,
  input: { tenantId: string; documentId: string; actionItems: readonly ActionItemInput[]; now?: Date },
): Promise<CreatedFromActions> {
  const existing = await tx
    .select({ actionIndex: tasks.actionIndex })
    .from(tasks)
    .where(eq(tasks.sourceDocumentId, input.documentId));
  const done = new Set(existing.map((e) => e.actionIndex));
  const members = await loadMembers(tx);
  const created: string[] = [];
  let skipped = 0;
  // Placed earliest-due first (undated last, otherwise in document order), so the column reads by urgency; the
  // action index stays the item's identity.
  const ordered = [...input.actionItems.entries()]
    .map(([index, item]) => ({ index, item, dueDate: item.dueDate ?? (item.dueHint ? parseDueHint(item.dueHint, input.now) : null) }))
    .sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') || a.index - b.index);
  for (const { index, item, dueDate } of ordered) {
    if (done.has(index)) {
      skipped++;
      continue;
    }
    const owner = matchOwner(item.ownerHint, members);
    const task = await insertTask(
      tx,
      { tenantId: input.tenantId, userId: null },
      {
        title: item.title.trim().slice(0, 500) || 'Untitled action item',
        description: describe(item, owner !== null, dueDate),
        assigneeId: owner?.userId ?? null,
        dueDate,
        source: { documentId: input.documentId, actionIndex: index, ...(item.quote ? { quote: item.quote.slice(0, 1000) } : {}) },
      },
      { preferColumnKey: INBOX_COLUMN_KEY },
    );
    if (task) created.push(task.id);
    else skipped++;
  }
  return { created, skipped };
}
