// The one place dates, sizes and counts are put into words, for every page (and the server's messages): a date
// reads "Dec 7, 2026"; recent and upcoming moments read "2 hours ago" / "in 3 days", with the exact date and
// time one hover away (components/time.tsx).

const DATE = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric' });
const DATE_NO_YEAR = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric' });
const DATE_TIME = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const NUMBER = new Intl.NumberFormat('en');

const DAY_MS = 86_400_000;
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * DAY_MS],
  ['month', 30 * DAY_MS],
  ['week', 7 * DAY_MS],
  ['day', DAY_MS],
  ['hour', 3_600_000],
  ['minute', 60_000],
];
// Within this many days a calendar day reads as "tomorrow" / "in 3 days"; further away, as a date.
const RELATIVE_DAYS = 6;

export function formatDate(iso: string | null | undefined): string {
  return iso ? DATE.format(new Date(iso)) : '—';
}

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? DATE_TIME.format(new Date(iso)) : '—';
}

export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'Never';
  const diff = new Date(iso).getTime() - now;
  for (const [unit, ms] of STEPS) {
    if (Math.abs(diff) >= ms) return RELATIVE.format(Math.round(diff / ms), unit);
  }
  return 'just now';
}

// A calendar day ("2027-06-30", a due date) as the local date it names: no time zone shifts it by a day.
function localDay(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

export function formatDay(day: string | null | undefined): string {
  return day ? DATE.format(localDay(day)) : '—';
}

/** Whole days from today to `day` (negative when it has passed), in the viewer's calendar. */
export function daysUntil(day: string, now = new Date()): number {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.round((localDay(day).getTime() - today.getTime()) / DAY_MS);
}

// "today", "tomorrow", "in 3 days", "2 days ago"; further away "Jun 30" (this year) or "Jun 30, 2027".
export function formatDue(day: string, now = new Date()): string {
  const days = daysUntil(day, now);
  if (Math.abs(days) <= RELATIVE_DAYS) return RELATIVE.format(days, 'day');
  const date = localDay(day);
  return date.getFullYear() === now.getFullYear() ? DATE_NO_YEAR.format(date) : DATE.format(date);
}

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

// Binary multiples with the names people know: 10485760 → "10 MB", 1536 → "1.5 KB".
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes))} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = value >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${NUMBER.format(rounded)} ${UNITS[unit]}`;
}

export function formatNumber(n: number): string {
  return NUMBER.format(n);
}

// A length of time in the largest two units that matter: "under a minute", "45 min", "3 h 12 min", "2 days 4 h".
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return `${pluralize(days, 'day')}${hours % 24 ? ` ${hours % 24} h` : ''}`;
}

// Uptime as people read it: cut, never rounded, so that any downtime shows as less than 100% ("99.99%"), and
// "No data" for a period nobody observed.
export function formatUptime(percent: number | null): string {
  if (percent === null) return 'No data';
  if (percent >= 100) return '100%';
  return `${(Math.floor(percent * 100) / 100).toFixed(2)}%`;
}

// "1 task", "3 tasks", "0 documents".
export function pluralize(n: number, singular: string, plural = `${singular}s`): string {
  return `${NUMBER.format(n)} ${n === 1 ? singular : plural}`;
}

// Text shortened for a title: whole words only, with an ellipsis to show that it goes on.
export function clipAtWord(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, '')}…`;
}

export function initials(name: string, email = ''): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? `${words[0]?.[0] ?? ''}${words[words.length - 1]?.[0] ?? ''}` : (words[0] ?? email).slice(0, 2);
  return letters.toUpperCase() || '?';
}

// Resolution base for safeNext: any fixed origin works, since only "is it still this origin" is asked of it.
const HERE = 'https://reflex.invalid';
// C0 controls, DEL, C1 controls and the backslash: browsers strip tabs and newlines from URLs and read "\" as "/",
// which turns "/\tevil.com" or "/\\evil.com" into "//evil.com", another site.
const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f\\]/;

function decodedOrNull(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

// Only same-site paths may be used as a post-sign-in destination, so a crafted link cannot bounce users away.
// The value is resolved as a URL against a fixed origin and must stay on it; control characters and backslashes
// are refused raw and percent-encoded, and the resolved path must not begin with "//", raw or encoded (which
// "/.//evil.com" and "/%2e/%2fevil.com" resolve to). What comes back is the normalized path, query and fragment.
export function safeNext(next: string | string[] | undefined, fallback: string): string {
  const value = Array.isArray(next) ? next[0] : next;
  if (!value?.startsWith('/')) return fallback;
  const decoded = decodedOrNull(value);
  if (decoded === null || UNSAFE_CHAR.test(value) || UNSAFE_CHAR.test(decoded) || decoded.startsWith('//')) return fallback;
  let url: URL;
  try {
    url = new URL(value, HERE);
  } catch {
    return fallback;
  }
  if (url.origin !== HERE || url.username || url.password || (decodedOrNull(url.pathname) ?? '//').startsWith('//')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
