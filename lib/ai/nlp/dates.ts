import * as chrono from 'chrono-node';

// Dates with chrono-node: absolute ("30 June", "2026-07-01", "10/06/2026") and relative ("by Friday", "next
// Tuesday", "end of month", "within 48 hours"), always resolved against the document's own date, never the
// processing date. A few business phrases chrono does not know (EOD, end of the week, mid-July, Q3) are handled
// here first.

export interface FoundDate {
  // ISO date (YYYY-MM-DD)
  date: string;
  // Offsets into the text the date was found in.
  start: number;
  end: number;
  text: string;
}

// Numeric dates are day-first (10/06/2026 = 10 June) unless the document itself shows month-first writing.
export function prefersMonthFirst(text: string): boolean {
  let monthFirst = 0;
  let dayFirst = 0;
  for (const m of text.matchAll(/\b(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b/g)) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (a > 12 && b <= 12) dayFirst++;
    if (b > 12 && a <= 12) monthFirst++;
  }
  if (monthFirst !== dayFirst) return monthFirst > dayFirst;
  // No telling number: "June 30" is how month-first writers spell dates too.
  const monthDay = text.match(/\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?\b/gi)?.length ?? 0;
  const dayMonth = text.match(/\b\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/gi)?.length ?? 0;
  return monthDay > dayMonth;
}

function iso(y: number, m: number, d: number): string {
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
}

function parseIso(date: string): Date {
  return new Date(`${date}T12:00:00Z`);
}

function addDays(date: string, days: number): string {
  const d = parseIso(date);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// The month/day after `reference` (same year, else next) when the text names no year.
function upcoming(reference: string, month: number, day: number): string {
  const ref = parseIso(reference);
  const year = ref.getUTCFullYear();
  const candidate = iso(year, month, day);
  return candidate >= reference ? candidate : iso(year + 1, month, day);
}

interface Special {
  pattern: RegExp;
  resolve: (m: RegExpMatchArray, reference: string) => string;
}

const SPECIALS: Special[] = [
  { pattern: /\b(?:eod|cob|end of (?:the )?(?:day|business day))\b/gi, resolve: (_m, ref) => ref },
  {
    pattern: /\b(?:eow|end of (?:the |this )?week)\b/gi,
    resolve: (_m, ref) => addDays(ref, (5 - parseIso(ref).getUTCDay() + 7) % 7),
  },
  {
    pattern: /\bmid[- ](jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/gi,
    resolve: (m, ref) => upcoming(ref, MONTHS.indexOf((m[1] ?? '').toLowerCase()) + 1, 15),
  },
  {
    pattern: /\b(?:(?:the )?end of )?q([1-4])(?:\s+(\d{4}))?\b/gi,
    resolve: (m, ref) => {
      const q = Number(m[1]);
      const lastMonth = q * 3;
      const year = m[2] ? Number(m[2]) : parseIso(ref).getUTCFullYear();
      const end = new Date(Date.UTC(year, lastMonth, 0)).toISOString().slice(0, 10);
      return m[2] || end >= ref ? end : new Date(Date.UTC(year + 1, lastMonth, 0)).toISOString().slice(0, 10);
    },
  },
];

// Every date in `text`, in order, resolved against `reference` (ISO date).
// Deliberately loose (no word boundaries: "Friday" holds "day", "mayor" holds "may"): a false hit only costs a parse.
const DATE_HINT = /\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|today|tonight|tomorrow|tmr|yesterday|week|month|day|hour|fortnight|noon|midnight|year|quarter|minute|now/i;

export function findDates(text: string, reference: string, monthFirst = false): FoundDate[] {
  const found: FoundDate[] = [];
  const taken: [number, number][] = [];
  const overlaps = (s: number, e: number) => taken.some(([a, b]) => s < b && e > a);
  for (const special of SPECIALS) {
    for (const m of text.matchAll(special.pattern)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (overlaps(start, end)) continue;
      found.push({ date: special.resolve(m, reference), start, end, text: m[0] });
      taken.push([start, end]);
    }
  }
  // chrono is most of the pipeline worker's CPU (one parse per candidate action item), and a date kept below always
  // holds a digit, a month or weekday name, or a relative word; text with none of them is not parsed at all.
  if (!DATE_HINT.test(text)) return found.sort((a, b) => a.start - b.start);
  const parser = monthFirst ? chrono.en.casual : chrono.en.GB;
  const results = parser.parse(text, { instant: parseIso(reference), timezone: 0 }, { forwardDate: true });
  for (const r of results) {
    const start = r.index;
    const end = r.index + r.text.length;
    if (overlaps(start, end)) continue;
    const c = r.start;
    // A bare month ("in June") or a bare time is not a day anyone can be held to.
    if (!c.isCertain('day') && !c.isCertain('weekday') && !r.text.match(/\b(?:tomorrow|today|tonight|week|month|days?|hours?)\b/i)) continue;
    const year = c.get('year');
    const month = c.get('month');
    const day = c.get('day');
    if (year === null || month === null || day === null) continue;
    found.push({ date: iso(year, month, day), start, end, text: r.text });
    taken.push([start, end]);
  }
  return found.sort((a, b) => a.start - b.start);
}

const DATE_LABEL = /\b(?:date|dated|held(?: on)?|meeting|minutes|recorded|call|notes|issued|as of|effective|report(?:ed)?|inspection|decision)\b/i;

// The day a document speaks from: a complete date (day, month, year) in its opening lines, preferring a labelled one
// ("Date: …", "Meeting 3 June 2026", "Held on …"); else `fallback` (its upload date).
export function documentReferenceDate(text: string, fallback: Date): string {
  const fallbackIso = fallback.toISOString().slice(0, 10);
  const head = text.replace(/\r\n?/g, '\n').split('\n').slice(0, 15);
  const monthFirst = prefersMonthFirst(text);
  const parser = monthFirst ? chrono.en.casual : chrono.en.GB;
  let first: string | undefined;
  for (const line of head) {
    for (const r of parser.parse(line, { instant: fallback, timezone: 0 })) {
      const c = r.start;
      // Written out with its year: "last week" is certain to chrono, but says nothing about the document.
      if (!c.isCertain('year') || !c.isCertain('month') || !c.isCertain('day') || !/\b\d{4}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2}\b/.test(r.text)) continue;
      const y = c.get('year');
      const m = c.get('month');
      const d = c.get('day');
      if (y === null || m === null || d === null) continue;
      const date = iso(y, m, d);
      // A period ("Survey window: 2024-04-01 to …", "Billing period") is not the day the document was written.
      if (/\b(?:period|window|from|between)\b/i.test(line.slice(0, r.index))) continue;
      if (DATE_LABEL.test(line.slice(0, r.index + r.text.length)) || DATE_LABEL.test(line)) return date;
      first ??= date;
    }
  }
  return first ?? fallbackIso;
}
