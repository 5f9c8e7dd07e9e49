import { compileTenantPattern, firstMatch, SNIPPET_WINDOW, TenantPatternError } from '@/lib/ai/tenant-pattern';
import type { Rule, RuleResult } from '@/lib/ai/types';

// Deterministic rule evaluation, shared by every provider: a regex or a calendar check has one right answer, so no
// model is asked to imitate it. Only pattern-less `required-section` rules need judgement (see `needsJudgement`).

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11, november: 11,
  dec: 12, december: 12,
};
const MONTH_NAMES = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');

export interface FoundDate {
  raw: string;
  offset: number;
  // Undefined when the text names a day that does not exist (2024-02-30).
  date: Date | undefined;
}

function makeDate(year: number, month: number, day: number): Date | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return d;
}

// Numeric slash/dot dates are ambiguous: day-first when the first number cannot be a month, else month-first (US).
function slashDate(a: number, b: number, year: number): Date | undefined {
  if (a > 12) return makeDate(year, b, a);
  return makeDate(year, a, b) ?? makeDate(year, b, a);
}

export function findDates(text: string): FoundDate[] {
  const found: FoundDate[] = [];
  const patterns: Array<[RegExp, (m: RegExpExecArray) => Date | undefined]> = [
    [/\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g, (m) => makeDate(Number(m[1]), Number(m[2]), Number(m[3]))],
    [/\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b/g, (m) => slashDate(Number(m[1]), Number(m[2]), Number(m[3]))],
    [
      new RegExp(`\\b(${MONTH_NAMES})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, 'gi'),
      (m) => makeDate(Number(m[3]), MONTHS[(m[1] ?? '').toLowerCase()] ?? 0, Number(m[2])),
    ],
    [
      new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(${MONTH_NAMES})\\.?,?\\s+(\\d{4})\\b`, 'gi'),
      (m) => makeDate(Number(m[3]), MONTHS[(m[2] ?? '').toLowerCase()] ?? 0, Number(m[1])),
    ],
  ];
  for (const [re, build] of patterns) {
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      found.push({ raw: m[0], offset: m.index, date: build(m) });
    }
  }
  return found.sort((x, y) => x.offset - y.offset);
}

const DOCUMENT_DATE_LABEL = /\b(?:date[d]?|as of|effective(?: date)?|issued(?: on)?|invoice date)\s*:?\s*$/i;

// The date a document speaks from: a labelled one ("Date: …", "Effective date …") when present, else the first.
export function documentDate(text: string): FoundDate | undefined {
  const valid = findDates(text).filter((d) => d.date !== undefined);
  const labelled = valid.find((d) => DOCUMENT_DATE_LABEL.test(text.slice(Math.max(0, d.offset - 30), d.offset)));
  return labelled ?? valid[0];
}

// Tenant patterns never reach RegExp: they run in the linear-time engine (lib/ai/tenant-pattern.ts). One that
// cannot compile there (stored before it was refused) fails its rule instead of the document.
function matchPattern(pattern: string, text: string): { found: boolean; snippet: string } | { problem: string } {
  try {
    const match = firstMatch(compileTenantPattern(pattern), text);
    if (match === null) return { found: false, snippet: '' };
    return { found: true, snippet: match.text === null ? `a match past the first ${SNIPPET_WINDOW} characters` : `"${truncate(match.text)}"` };
  } catch (err) {
    if (err instanceof TenantPatternError) return { problem: err.message };
    throw err;
  }
}

function normalizeHeading(line: string): string {
  return line
    .trim()
    .replace(/^#{1,6}\s*/, '')
    .replace(/^(?:[Ss]ection|[Aa]rticle|[Pp]art|[Cc]lause|SECTION|ARTICLE|PART|CLAUSE)\s+(?:\d+(?:\.\d+)*|[IVXLC]+)\b[.:)]?\s*/, '')
    .replace(/^(?:\d+(?:\.\d+)*[.)]?|[IVXLC]+[.)])\s+/, '')
    .replace(/^\*\*|\*\*$/g, '')
    .replace(/[:.]\s*$/, '')
    .trim()
    .toLowerCase();
}

// A heading is a short line that is, or starts with, the section name.
export function findSectionHeading(text: string, name: string): string | undefined {
  const wanted = name.trim().toLowerCase();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim().length === 0 || line.trim().length > 100) continue;
    const heading = normalizeHeading(line);
    if (heading === wanted || heading.startsWith(`${wanted} `) || heading.startsWith(`${wanted}:`)) return line.trim();
  }
  return undefined;
}

export function needsJudgement(rule: Rule): boolean {
  return rule.kind === 'required-section' && rule.pattern === undefined;
}

const DAY_MS = 86_400_000;

function truncate(value: string, max = 80): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

function unusable(rule: Rule, problem: string): RuleResult {
  return { rule, passed: false, detail: `pattern cannot run: ${problem}` };
}

export function evaluateRule(text: string, rule: Rule, asOf: Date): RuleResult {
  switch (rule.kind) {
    case 'required-section': {
      if (rule.pattern !== undefined) {
        const found = matchPattern(rule.pattern, text);
        if ('problem' in found) return unusable(rule, found.problem);
        return found.found
          ? { rule, passed: true, detail: `section "${rule.name}" found: ${found.snippet}` }
          : { rule, passed: false, detail: `section "${rule.name}" not found (pattern did not match)` };
      }
      const heading = findSectionHeading(text, rule.name);
      return heading
        ? { rule, passed: true, detail: `heading "${truncate(heading)}" found` }
        : { rule, passed: false, detail: `no heading named "${rule.name}" found` };
    }
    case 'required-field': {
      const found = matchPattern(rule.pattern, text);
      if ('problem' in found) return unusable(rule, found.problem);
      return found.found
        ? { rule, passed: true, detail: `${rule.name}: ${found.snippet}` }
        : { rule, passed: false, detail: `${rule.name} missing` };
    }
    case 'forbidden-pattern': {
      const found = matchPattern(rule.pattern, text);
      if ('problem' in found) return unusable(rule, found.problem);
      return found.found
        ? { rule, passed: false, detail: `${rule.name} present: ${found.snippet}` }
        : { rule, passed: true, detail: `${rule.name} absent` };
    }
    case 'valid-dates': {
      const dates = findDates(text);
      const invalid = dates.filter((d) => d.date === undefined).map((d) => d.raw);
      if (dates.length === 0) return { rule, passed: true, detail: 'no dates found' };
      return invalid.length === 0
        ? { rule, passed: true, detail: `${dates.length} date(s), all valid` }
        : { rule, passed: false, detail: `invalid date(s): ${invalid.join(', ')}` };
    }
    case 'max-age-days': {
      const found = documentDate(text);
      if (found?.date === undefined) return { rule, passed: false, detail: 'no document date found' };
      const ageDays = Math.floor((asOf.getTime() - found.date.getTime()) / DAY_MS);
      const iso = found.date.toISOString().slice(0, 10);
      if (ageDays < 0) return { rule, passed: true, detail: `document date ${iso} is in the future` };
      return ageDays <= rule.days
        ? { rule, passed: true, detail: `document date ${iso} is ${ageDays} day(s) old` }
        : { rule, passed: false, detail: `document date ${iso} is ${ageDays} day(s) old (max ${rule.days})` };
    }
  }
}

export function evaluateRules(text: string, rules: readonly Rule[], asOf: Date): RuleResult[] {
  return rules.map((rule) => evaluateRule(text, rule, asOf));
}
