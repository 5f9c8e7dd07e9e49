import { eq, or, sql, type SQL } from 'drizzle-orm';
import { assistantConversations, assistantTurns, type StoredCitation } from '@/lib/db/schema';
import { reachEveryMember } from '@/lib/db/member-scope';
import type { Tx } from '@/lib/db/types';

// Assistant conversations in a member erasure (lib/privacy/erase-member.ts): the person's own conversations go
// entirely; in everyone else's, questions and answers that name them (a cited passage of their notes, say) keep
// the conversation but lose the name, like tasks do.

function scrub(text: string, terms: readonly string[], redacted: string): string {
  return terms.reduce((out, term) => out.split(term).join(redacted), text);
}

function scrubCitation(c: StoredCitation, terms: readonly string[], redacted: string): StoredCitation {
  return { ...c, documentTitle: scrub(c.documentTitle, terms, redacted), snippet: scrub(c.snippet, terms, redacted) };
}

const mentions = (column: SQL, terms: readonly string[]) => or(...terms.map((term) => sql`strpos(${column}, ${term}) > 0`));

export async function eraseConversationsOf(tx: Tx, userId: string, terms: readonly string[], redacted: string): Promise<number> {
  await reachEveryMember(tx);
  const gone = await tx.delete(assistantConversations).where(eq(assistantConversations.userId, userId)).returning({ id: assistantConversations.id });
  if (terms.length === 0) return gone.length;

  const turns = await tx
    .select({ id: assistantTurns.id, question: assistantTurns.question, searchQuery: assistantTurns.searchQuery, answer: assistantTurns.answer, error: assistantTurns.error, citations: assistantTurns.citations })
    .from(assistantTurns)
    .where(
      or(
        mentions(sql`${assistantTurns.question}`, terms),
        mentions(sql`${assistantTurns.searchQuery}`, terms),
        mentions(sql`${assistantTurns.answer}`, terms),
        mentions(sql`coalesce(${assistantTurns.error}, '')`, terms),
        mentions(sql`${assistantTurns.citations}::text`, terms),
      ),
    );
  for (const t of turns) {
    await tx
      .update(assistantTurns)
      .set({
        question: scrub(t.question, terms, redacted),
        searchQuery: scrub(t.searchQuery, terms, redacted),
        answer: scrub(t.answer, terms, redacted),
        error: t.error === null ? null : scrub(t.error, terms, redacted),
        citations: t.citations.map((c) => scrubCitation(c, terms, redacted)),
      })
      .where(eq(assistantTurns.id, t.id));
  }
  const titled = await tx
    .select({ id: assistantConversations.id, title: assistantConversations.title })
    .from(assistantConversations)
    .where(mentions(sql`coalesce(${assistantConversations.title}, '')`, terms));
  for (const c of titled) {
    if (c.title !== null) await tx.update(assistantConversations).set({ title: scrub(c.title, terms, redacted) }).where(eq(assistantConversations.id, c.id));
  }
  return gone.length;
}
