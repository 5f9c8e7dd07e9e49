import { isStopword, tokenize } from './text';

// A follow-up question ("and who owns it?") names its subject only by pointing back at the previous one. Retrieval
// and the offline answerer see words, not the conversation, so a follow-up gets the earlier subject's words added.
// Deterministic on purpose: the same conversation always searches for the same thing.

const LEADS_BACK = /^\s*(?:and|but|also|or|so|then|what about|how about)\b/i;
const POINTS_BACK = /\b(?:it|its|they|them|their|theirs|that|those|these|this|he|him|his|she|her|hers|there|then|same)\b/i;
// Words that ask rather than name a subject: never carried over.
const QUESTION_WORDS = new Set(['what', 'who', 'whom', 'whose', 'which', 'when', 'where', 'why', 'how', 'much', 'many', 'does', 'did', 'do', 'is', 'are', 'tell', 'please', 'list', 'show']);
// A question with this many subject words of its own stands alone.
const STANDALONE_TERMS = 3;
const MAX_CARRIED_WORDS = 10;

function subjectWords(text: string): string[] {
  return [...new Set(tokenize(text).filter((w) => !isStopword(w) && !QUESTION_WORDS.has(w) && (w.length > 1 || /\d/.test(w))))];
}

export function isFollowUp(question: string): boolean {
  return LEADS_BACK.test(question) || POINTS_BACK.test(question) || subjectWords(question).length < STANDALONE_TERMS;
}

function withSubject(question: string, previous: string): string {
  const own = new Set(subjectWords(question));
  const carried = subjectWords(previous)
    .filter((w) => !own.has(w))
    .slice(0, MAX_CARRIED_WORDS);
  return carried.length > 0 ? `${question.trim()} (${carried.join(' ')})` : question.trim();
}

/** The question as retrieval should see it, given the earlier questions of its conversation (oldest first). */
export function contextualQuestion(question: string, earlier: readonly string[]): string {
  let context = '';
  for (const q of earlier) context = context && isFollowUp(q) ? withSubject(q, context) : q;
  return context && isFollowUp(question) ? withSubject(question, context) : question.trim();
}
