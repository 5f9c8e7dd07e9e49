import type { Block } from './blocks';
import type { People } from './people';
import { fold } from './people';
import { tagSentences, type Token } from './wink';

// Tags: the document's salient noun phrases ("payment screen", "forklift certification", "heat recovery"), found
// with part-of-speech tags: adjectives and common nouns ending on a noun. Proper nouns, months, weekdays, numbers
// and words like "meeting" or "item" never make a tag, so names and dates stay out.

const MAX_TAGS = 5;
// Structural words that head many phrases and describe no topic.
const GENERIC = new Set(
  (
    'item items action actions meeting meetings notes note minutes agenda attendee attendees date dates time times day days ' +
    'week weeks month months year years quarter today tomorrow thing things point points part parts way ways lot number ' +
    'page document section summary question questions people person team everyone someone issue issues update updates ' +
    'step steps end start line lines case cases kind type amount total other one ones call calls name use'
  ).split(' '),
);
const CALENDAR = /^(?:yesterday|today|tomorrow|tonight)$|^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*$|^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*day$/;
const MAX_PROSE = 20_000;

interface Phrase {
  key: string;
  surface: string;
  count: number;
  weight: number;
  first: number;
}

function usable(token: Token, people: People): boolean {
  const w = token.lower;
  if (!/^\p{L}[\p{L}-]*$/u.test(token.text) || w.length < 3) return false;
  if (CALENDAR.test(w) || people.words.has(fold(w))) return false;
  return token.pos === 'NOUN' || token.pos === 'ADJ';
}

function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

// wink splits "on-call" and "end-to-end" into pieces; a tag keeps them whole.
function joinHyphenated(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let token = tokens[i];
    if (!token) continue;
    while (tokens[i + 1]?.text === '-' && tokens[i + 1]?.start === token.end && tokens[i + 2]?.start === token.end + 1) {
      const next = tokens[i + 2];
      if (!next) break;
      token = { text: `${token.text}-${next.text}`, lower: `${token.lower}-${next.lower}`, pos: next.pos === 'NOUN' ? 'NOUN' : 'ADJ', start: token.start, end: next.end };
      i += 2;
    }
    out.push(token);
  }
  return out;
}

export function pickTags(blocks: readonly Block[], people: People, max = MAX_TAGS): string[] {
  const phrases = new Map<string, Phrase>();
  let budget = MAX_PROSE;
  let order = 0;
  for (const block of blocks) {
    if (budget <= 0) break;
    if (block.kind === 'row' || (block.kind === 'field' && !block.value)) continue;
    // A speaker's name is not a topic; a field's label can be ("Kubernetes cluster upgrade: …").
    const text = block.kind === 'turn' ? (block.value ?? '') : block.text;
    budget -= text.length;
    const boost = block.kind === 'heading' ? 2 : 1;
    for (const sentence of tagSentences(text)) {
      let run: Token[] = [];
      const flush = () => {
        // Trailing adjectives are not part of a noun phrase.
        while (run.length > 0 && run.at(-1)?.pos !== 'NOUN') run.pop();
        const words = run.map((t) => t.lower).slice(-3);
        run = [];
        if (words.length === 0) return;
        const head = words.at(-1) ?? '';
        if (GENERIC.has(head) || GENERIC.has(singular(head))) return;
        const key = [...words.slice(0, -1), singular(head)].join(' ');
        const surface = words.join(' ');
        const p = phrases.get(key) ?? { key, surface, count: 0, weight: 0, first: order++ };
        p.count++;
        // Two-word phrases say more than single nouns ("payment screen" over "screen").
        p.weight += boost * (words.length > 1 ? 1.6 : 1);
        phrases.set(key, p);
      };
      for (const token of joinHyphenated(sentence.tokens)) {
        if (usable(token, people)) run.push(token);
        else flush();
      }
      flush();
    }
  }
  // A noun that recurs across different phrases ("cluster upgrade", "cluster nodes", "cluster") is a topic itself.
  const nouns = new Map<string, Phrase>();
  for (const p of phrases.values()) {
    for (const word of p.key.split(' ')) {
      const n = nouns.get(word) ?? { key: word, surface: word, count: 0, weight: 0, first: p.first };
      n.count += p.count;
      n.weight += p.count;
      nouns.set(word, n);
    }
  }
  for (const n of nouns.values()) {
    const own = phrases.get(n.key);
    if (n.count >= 3 && (!own || own.weight < n.weight)) phrases.set(n.key, { ...n, surface: own?.surface ?? n.surface });
  }
  const ranked = [...phrases.values()]
    .filter((p) => p.count >= 2 || p.key.includes(' '))
    .sort((a, b) => b.weight - a.weight || a.first - b.first);
  const chosen: Phrase[] = [];
  for (const p of ranked) {
    if (chosen.length >= max) break;
    if (chosen.some((c) => c.key.includes(p.key) || p.key.includes(c.key))) continue;
    chosen.push(p);
  }
  if (chosen.length < max) {
    for (const p of [...phrases.values()].sort((a, b) => b.weight - a.weight || a.first - b.first)) {
      if (chosen.length >= max) break;
      if (!chosen.some((c) => c.key.includes(p.key) || p.key.includes(c.key))) chosen.push(p);
    }
  }
  return chosen.map((p) => p.surface);
}
