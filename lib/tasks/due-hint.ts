// Turns the due phrases action-item extraction finds ("Friday", "2025-03-14", "end of month", "March 5")
// into a calendar date, relative to `today` (UTC). Anything vague ("next quarter", "3/4") stays a hint:
// null here, and the caller keeps the words in the description instead of guessing.

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const WEEKDAY_ALIASES: Record<string, number> = {
  sun: 0, mon: 1, tue: 2, tues: 2, wed: 3, thu: 4, thur: 4, thurs: 4, fri: 5, sat: 6,
};
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function utcDate(y: number, m: number, d: number): Date {
  return new Date(Date.UTC(y, m, d));
}

function iso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(date: Date, days: number): Date {
  return utcDate(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + days);
}

function weekdayIndex(word: string): number | undefined {
  const i = WEEKDAYS.indexOf(word);
  return i >= 0 ? i : WEEKDAY_ALIASES[word];
}

function monthIndex(word: string): number | undefined {
  const i = MONTHS.findIndex((m) => m === word || (word.length >= 3 && m.startsWith(word)));
  return i >= 0 ? i : undefined;
}

function validDay(y: number, m: number, d: number): Date | null {
  const date = utcDate(y, m, d);
  return date.getUTCMonth() === m && date.getUTCDate() === d ? date : null;
}

// The next occurrence of month/day on or after today (this year, else next year).
function upcoming(today: Date, m: number, d: number, year?: number): Date | null {
  if (year !== undefined) return validDay(year, m, d);
  const thisYear = validDay(today.getUTCFullYear(), m, d);
  if (thisYear && thisYear >= today) return thisYear;
  return validDay(today.getUTCFullYear() + 1, m, d);
}

export function parseDueHint(hint: string, now: Date = new Date()): string | null {
  const today = utcDate(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const text = hint.toLowerCase().replace(/[.,!]+$/, '').replace(/\s+/g, ' ').trim();

  const isoMatch = /^(\d{4})-(\d{1,2})-(\d{1,2})\b/.exec(text);
  if (isoMatch) {
    const date = validDay(Number(isoMatch[1]), Number(isoMatch[2]) - 1, Number(isoMatch[3]));
    return date ? iso(date) : null;
  }
  if (/^(today|tonight|eod|cob|end of (the )?day)\b/.test(text)) return iso(today);
  if (/^tomorrow\b/.test(text)) return iso(addDays(today, 1));
  if (/^(eow|end of (the )?week)\b/.test(text)) return iso(addDays(today, (5 - today.getUTCDay() + 7) % 7));
  if (/^(eom|end of (the )?month)\b/.test(text)) return iso(utcDate(today.getUTCFullYear(), today.getUTCMonth() + 1, 0));

  const weekday = /^(?:(next|this) )?([a-z]+)\b/.exec(text);
  const dayIndex = weekday?.[2] ? weekdayIndex(weekday[2]) : undefined;
  if (weekday && dayIndex !== undefined) {
    const ahead = (dayIndex - today.getUTCDay() + 7) % 7;
    // "next Friday" never means today.
    return iso(addDays(today, weekday[1] === 'next' && ahead === 0 ? 7 : ahead));
  }

  const monthDay = /^([a-z]+) (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?\b/.exec(text);
  const dayMonth = /^(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)(?:,? (\d{4}))?\b/.exec(text);
  for (const [monthWord, dayText, yearText] of [
    [monthDay?.[1], monthDay?.[2], monthDay?.[3]],
    [dayMonth?.[2], dayMonth?.[1], dayMonth?.[3]],
  ]) {
    const m = monthWord ? monthIndex(monthWord) : undefined;
    if (m === undefined || !dayText) continue;
    const date = upcoming(today, m, Number(dayText), yearText ? Number(yearText) : undefined);
    if (date) return iso(date);
  }
  return null;
}
