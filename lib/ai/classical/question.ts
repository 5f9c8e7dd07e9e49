// What kind of answer a question wants, read from its wording: a list ("what are all the action items"), or a fact
// of a kind a sentence visibly holds (a date for "when", an amount for "how much", a name for "who").

export type Cue = 'date' | 'amount' | 'number' | 'duration' | 'person' | 'reason' | 'commitment';

const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*';
const WEEKDAY = '(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?';
const NUMBER_WORD = '(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty|forty|sixty|ninety|\\d[\\d,.]*)';

const CUES: Record<Cue, RegExp> = {
  date: new RegExp(
    String.raw`\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\d{1,2}\.\d{1,2}\.\d{2,4}\b|\d{1,2}(?:st|nd|rd|th)?\s+${MONTH}|${MONTH}\s+\d{1,2}\b|${WEEKDAY}\b|tomorrow|today|end of (?:the )?(?:week|month|year|quarter)|${MONTH}\s+\d{4})`,
    'i',
  ),
  amount: /[€$£¥]|\b(?:eur|usd|gbp|sek|nok|dkk|chf|euros?|dollars?|pounds?|kronor)\b|\b\d[\d,.]*\s*(?:million|thousand|k|%)|\d%/i,
  number: /\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b/i,
  duration: new RegExp(String.raw`\b${NUMBER_WORD}(?:\s*\(\d+\))?\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|characters?)\b`, 'i'),
  // A capitalised word that does not open the sentence, or a role.
  person: /(?<=\S\s+)(?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\b)\p{Lu}\p{Ll}[\p{L}'’-]*|^\p{Lu}\p{Ll}+\s+\p{Lu}\p{Ll}+|\b(?:owner|responsible|manager|director|inspector|chair)\b/u,
  commitment: /\b(?:I'll|I’ll|I will|will|to)\s+\p{Ll}+/u,
  reason: /\b(?:because|due to|caused|cause|since|as a result|so that|root cause|needs?|blocking|after)\b/i,
};

// The cues a question asks for; a question joined by "and" can ask for two ("when is it due and how much is it").
export function detectCues(question: string): Map<Cue, RegExp> {
  const q = question.toLowerCase();
  const wanted = new Map<Cue, RegExp>();
  if (/\bwhen\b|\bwhat (?:date|day)\b|\bby when\b|\bdeadline\b|\bdue date\b/.test(q)) wanted.set('date', CUES.date);
  if (/\bhow much\b|\bcost|\bprice|\bbudget|\bsalary|\brevenue|\btotal\b|\bcharge|\bfee|\bowe\b|\brate\b|\bamount/.test(q)) wanted.set('amount', CUES.amount);
  if (/\bhow many\b|\bwhat (?:was|is) the (?:\w+ )?(?:throughput|number|count)\b/.test(q) && !/\bhow many (?:days|weeks|months|years)\b/.test(q)) wanted.set('number', CUES.number);
  if (/\bhow long\b|\bhow quickly\b|\bhow many (?:days|weeks|months|years)\b|\bwithin how many\b|\bnotice\b/.test(q)) wanted.set('duration', CUES.duration);
  if (/^\s*who\b|\bwho (?:owns|is|will|holds|inspected|accepted|else)\b|^\s*which (?:candidate|person|supplier|vendor|company|customer)\b/.test(q)) wanted.set('person', CUES.person);
  if (/\bcommit|\bpromised?\b|\bagreed to\b|\bwill \w+ do\b/.test(q)) wanted.set('commitment', CUES.commitment);
  if (/^\s*why\b|\bwhat caused\b|\bcause\b|\bwhat does .+ need\b/.test(q)) wanted.set('reason', CUES.reason);
  return wanted;
}

const TARGETS: [RegExp, RegExp][] = [
  [/\b(?:action items|actions|tasks|to-?dos|next steps|follow[- ]ups)\b/i, /\b(?:action|next steps?|to-?dos?|tasks|follow[- ]?ups?|owners and deadlines)\b/i],
  [/\bfindings\b|\bdefects\b/i, /\b(?:findings?|defects?|issues|observations)\b/i],
  [/\brecommendations\b/i, /\brecommendations?\b/i],
  [/\bconditions\b/i, /\bconditions?\b/i],
  [/\brisks\b/i, /\brisks?\b/i],
  [/\bdecisions\b/i, /\b(?:decisions?|agreed)\b/i],
  [/\bprecautions\b/i, /\bprecautions?\b/i],
  [/\brules\b/i, /\brules?\b/i],
];

// A list question, and the kind of section that holds its list (undefined: the question's own words decide).
export function listTarget(question: string): { isList: boolean; target: RegExp | undefined } {
  const q = question.trim();
  const target = TARGETS.find(([asked]) => asked.test(q))?.[1];
  const plural = /^(?:what|which) (?:are|were)\b|^list\b|\ball (?:the )?\w+|^what (?:did|went)\b.*\b(?:go|went) (?:well|wrong)\b|^what did not\b/i.test(q);
  // "Who owns updating the runbook?" asks for one fact even though it names an action.
  const single = /^(?:who|when|how|by when|why|where)\b/i.test(q);
  return { isList: !single && (plural || (target !== undefined && /\bwhat\b|\blist\b|\bwhich\b/i.test(q))), target };
}
