const DATE = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric' });
const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

export function formatDate(iso: string | null | undefined): string {
  return iso ? DATE.format(new Date(iso)) : '—';
}

export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'Never';
  const diff = new Date(iso).getTime() - now;
  for (const [unit, ms] of STEPS) {
    if (Math.abs(diff) >= ms) return RELATIVE.format(Math.round(diff / ms), unit);
  }
  return 'just now';
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
