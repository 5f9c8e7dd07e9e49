// A 5-field cron parser (minute hour day-of-month month day-of-week) for the cron triggers the local runner
// schedules, in UTC only. Fields take `*`, numbers, lists `a,b`, ranges `a-b` and steps `*/n`, `a-b/n`, `a/n`.
// Day matching follows robfig/cron, which Inngest uses: when both day fields are restricted, either may match.

export interface CronSchedule {
  source: string;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  weekdays: ReadonlySet<number>;
  anyDay: boolean;
  anyWeekday: boolean;
}

export class CronParseError extends Error {}

const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);
// Far enough for any satisfiable expression (29 February recurs within 8 years).
const SEARCH_YEARS = 9;

function parseNumber(text: string, min: number, max: number, source: string): number {
  if (!/^\d+$/.test(text)) throw new CronParseError(`cron "${source}": "${text}" is not a number`);
  const n = Number(text);
  if (n < min || n > max) throw new CronParseError(`cron "${source}": ${n} is outside ${min}-${max}`);
  return n;
}

function parseField(field: string, min: number, max: number, source: string): Set<number> {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '', stepText, extra] = part.split('/');
    if (extra !== undefined) throw new CronParseError(`cron "${source}": "${part}" has more than one step`);
    const step = stepText === undefined ? 1 : parseNumber(stepText, 1, max, source);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [min, max];
    else if (range.includes('-')) {
      const [a = '', b = '', more] = range.split('-');
      if (more !== undefined) throw new CronParseError(`cron "${source}": "${range}" is not a range`);
      [from, to] = [parseNumber(a, min, max, source), parseNumber(b, min, max, source)];
      if (from > to) throw new CronParseError(`cron "${source}": range "${range}" runs backwards`);
    } else {
      from = parseNumber(range, min, max, source);
      // `a/n` means from a to the end of the field, as in Vixie cron and robfig/cron.
      to = stepText === undefined ? from : max;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

// Throws CronParseError for a malformed expression or a time zone other than UTC.
export function parseCron(expression: string): CronSchedule {
  let rest = expression.trim();
  const zone = /^(?:CRON_)?TZ=(\S+)\s+/.exec(rest);
  if (zone) {
    if (!UTC_ZONES.has(zone[1] ?? '')) throw new CronParseError(`cron "${expression}": only UTC is supported, not ${zone[1]}`);
    rest = rest.slice(zone[0].length);
  }
  const fields = rest.split(/\s+/);
  if (fields.length !== 5) throw new CronParseError(`cron "${expression}": expected 5 fields, got ${fields.length}`);
  const [minute = '', hour = '', day = '', month = '', weekday = ''] = fields;
  const weekdays = parseField(weekday, 0, 7, expression);
  // 7 is Sunday too.
  if (weekdays.delete(7)) weekdays.add(0);
  return {
    source: expression,
    minutes: parseField(minute, 0, 59, expression),
    hours: parseField(hour, 0, 23, expression),
    days: parseField(day, 1, 31, expression),
    months: parseField(month, 1, 12, expression),
    weekdays,
    anyDay: day === '*',
    anyWeekday: weekday === '*',
  };
}

function matchesDay(s: CronSchedule, t: Date): boolean {
  const day = s.days.has(t.getUTCDate());
  const weekday = s.weekdays.has(t.getUTCDay());
  return s.anyDay || s.anyWeekday ? day && weekday : day || weekday;
}

// The first fire time strictly after `after`, or null if the expression never fires (e.g. 30 February).
export function computeNextFire(s: CronSchedule, after: Date): Date | null {
  const start = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
  const limit = start + SEARCH_YEARS * 366 * 86_400_000;
  let t = new Date(start);
  while (t.getTime() <= limit) {
    const [y, mo, d, h] = [t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), t.getUTCHours()];
    if (!s.months.has(mo + 1)) t = new Date(Date.UTC(y, mo + 1, 1));
    else if (!matchesDay(s, t)) t = new Date(Date.UTC(y, mo, d + 1));
    else if (!s.hours.has(h)) t = new Date(Date.UTC(y, mo, d, h + 1));
    else if (!s.minutes.has(t.getUTCMinutes())) t = new Date(t.getTime() + 60_000);
    else return t;
  }
  return null;
}
