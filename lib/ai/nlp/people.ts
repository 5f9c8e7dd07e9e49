import type { Block } from './blocks';

// Who a document is about: the names in its attendee lists, speaker labels and sign-offs. Action items use it to
// tell "Maria will send …" (a person) from "Northwind will invoice …" (a company), and tags use it to keep names out.

const PEOPLE_LABEL = /^(?:attendees?|present|participants?|members?|chair|facilitator|inspector|engineer|auditor|author|notes by|minutes by|issued (?:to|by)|from|to|cc|owner|account manager|prepared by|signed(?: for| by)?.*)$/i;
const INLINE_PEOPLE = /\b(?:attendees|present|participants|members)\s*:\s*([^.\n]+)/gi;
// Lower-case name particles: "Ana de la Cruz", "Ludwig van Beethoven", "Omar al-Sayed".
export const NAME_PARTICLES = new Set(['de', 'la', 'del', 'della', 'van', 'von', 'der', 'den', 'da', 'di', 'du', 'dos', 'das', 'le', 'al', 'bin', 'ibn', 'ter', 'y']);

// Capitalised words that open sentences but are never people.
const NOT_NAMES = new Set(
  (
    'the this that these those it its we they there he she you i our your their which who what when where why how ' +
    'everyone someone somebody nobody anyone each all both next then also here today tomorrow team management ' +
    'payment meeting contract agreement company client customer customers party parties supplier vendor buyer seller ' +
    'document report policy project invoice employee employees employer staff user users system service one board ' +
    'committee council department tenant landlord provider contractor inspector engineering finance sales legal ' +
    'marketing operations support security product design qa hr it please note welcome thanks thank regards hello ' +
    'hi dear if once after before during while since action actions item items todo next steps decision decisions ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august ' +
    'september october november december agreed owner due status risks issues findings summary notes minutes ' +
    'agenda discussion attendees present ceo cfo coo cto ciso chair we everybody nobody'
  ).split(' '),
);

const ORG_SUFFIX = /^(?:ltd|limited|inc|llc|llp|plc|gmbh|ag|as|ab|sa|s\.l\.|bv|nv|corp|corporation|co|group|trust)\.?$/i;

export function isNameWord(word: string): boolean {
  if (NAME_PARTICLES.has(word)) return true;
  return /^\p{Lu}[\p{L}'’-]*$/u.test(word) && !NOT_NAMES.has(word.toLowerCase());
}

export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ı/g, 'i')
    .replace(/ł/g, 'l')
    .toLowerCase();
}

function cleanName(raw: string): string | undefined {
  const name = raw
    .replace(/<[^>]*>/g, '')
    .replace(/\([^)]*\)/g, '')
    .replace(/[,;].*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
  const parts = name.split(' ');
  if (parts.length === 0 || parts.length > 5 || !parts.every(isNameWord)) return undefined;
  if (NAME_PARTICLES.has(parts[0] ?? '') || parts.some((p) => ORG_SUFFIX.test(p))) return undefined;
  return name;
}

function splitList(value: string): string[] {
  return value
    .replace(/\([^)]*\)/g, '')
    .split(/\s*(?:,|;|\band\b|&)\s*/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export interface People {
  // Full names as written.
  names: string[];
  // Folded (lower-case, no accents) single words of every name: first names, surnames.
  words: Set<string>;
  // Speaker labels of a transcript.
  speakers: Set<string>;
  // Email sender and recipient, for "I will …" and "Could you …".
  author?: string;
  addressee?: string;
}

export function findPeople(blocks: readonly Block[], text: string): People {
  const names = new Set<string>();
  const speakers = new Set<string>();
  let author: string | undefined;
  let addressee: string | undefined;
  for (const b of blocks) {
    if (b.kind === 'turn' && b.label) {
      speakers.add(b.label);
      const n = cleanName(b.label);
      if (n) names.add(n);
    }
    if (b.kind === 'field' && b.label && b.value && PEOPLE_LABEL.test(b.label)) {
      for (const part of splitList(b.value)) {
        const n = cleanName(part);
        if (n) names.add(n);
      }
      const who = cleanName(b.value.replace(/<.*$/, ''));
      if (/^from$/i.test(b.label) && who) author = who;
      if (/^to$/i.test(b.label) && who) addressee = who;
    }
  }
  for (const m of text.matchAll(INLINE_PEOPLE)) {
    for (const part of splitList(m[1] ?? '')) {
      const n = cleanName(part);
      if (n) names.add(n);
    }
  }
  const words = new Set<string>();
  for (const n of names) for (const w of n.split(' ')) if (!NAME_PARTICLES.has(w)) words.add(fold(w));
  return { names: [...names], words, speakers, ...(author ? { author } : {}), ...(addressee ? { addressee } : {}) };
}

// "Maria" → "Maria Lopez" (and "Fatima Zahra" → "Fatima Zahra Benali") when the document names exactly one such
// person; owners read better in full.
export function fullName(hint: string, people: People): string {
  const h = fold(hint).split(/\s+/);
  const hits = people.names.filter((n) => {
    const words = fold(n).split(' ');
    return h.length < words.length && h.every((w, i) => words[i] === w);
  });
  return hits.length === 1 && hits[0] ? hits[0] : hint;
}
