// Fractional indexing: a task's place in its column is a string key that sorts byte-wise between its
// neighbours, so a move rewrites one row (and emits one event) instead of renumbering the column.
//
// The key format is the one of rocicorp/fractional-indexing (CC0): an "integer part" whose first character
// encodes its length ('a'..'z' positive, 'A'..'Z' negative) followed by base-62 digits, then an optional
// fraction that never ends in '0'. Appending at the end increments the integer part, so the common case
// (new tasks go last) keeps keys short: 62 appends per character of growth, not a handful.

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ZERO = '0';
const LAST = 'z';
const SMALLEST_INTEGER = `A${ZERO.repeat(26)}`;

function digitIndex(ch: string | undefined): number {
  return ch === undefined ? 0 : DIGITS.indexOf(ch);
}

function digit(n: number): string {
  const ch = DIGITS[n];
  if (ch === undefined) throw new Error(`rank digit out of range: ${n}`);
  return ch;
}

// A fraction strictly between a and b ('' = 0, null = 1); neither ends in '0'.
function midpoint(a: string, b: string | null): string {
  if (b !== null) {
    let n = 0;
    while (n < b.length && (a[n] ?? ZERO) === b[n]) n++;
    if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
  }
  const da = digitIndex(a[0]);
  const db = b === null ? DIGITS.length : digitIndex(b[0]);
  if (db - da > 1) return digit(Math.round((da + db) / 2));
  if (b !== null && b.length > 1) return b.slice(0, 1);
  return digit(da) + midpoint(a.slice(1), null);
}

function integerLength(head: string | undefined): number {
  if (head !== undefined && head >= 'a' && head <= 'z') return head.charCodeAt(0) - 'a'.charCodeAt(0) + 2;
  if (head !== undefined && head >= 'A' && head <= 'Z') return 'Z'.charCodeAt(0) - head.charCodeAt(0) + 2;
  throw new Error(`invalid rank head: ${head ?? '(empty)'}`);
}

function integerPart(key: string): string {
  const length = integerLength(key[0]);
  if (length > key.length) throw new Error(`invalid rank: ${key}`);
  return key.slice(0, length);
}

function assertValid(key: string): void {
  if (key === SMALLEST_INTEGER) throw new Error(`invalid rank: ${key}`);
  const int = integerPart(key);
  if ([...key].some((ch) => !DIGITS.includes(ch))) throw new Error(`invalid rank: ${key}`);
  if (key.length > int.length && key.endsWith(ZERO)) throw new Error(`invalid rank: ${key}`);
}

function incrementInteger(int: string): string | null {
  const [head = '', ...digits] = int;
  for (let i = digits.length - 1; i >= 0; i--) {
    const d = digitIndex(digits[i]) + 1;
    if (d < DIGITS.length) {
      digits[i] = digit(d);
      return head + digits.join('');
    }
    digits[i] = ZERO;
  }
  if (head === 'Z') return `a${ZERO}`;
  if (head === 'z') return null;
  const next = String.fromCharCode(head.charCodeAt(0) + 1);
  if (next > 'a') digits.push(ZERO);
  else digits.pop();
  return next + digits.join('');
}

function decrementInteger(int: string): string | null {
  const [head = '', ...digits] = int;
  for (let i = digits.length - 1; i >= 0; i--) {
    const d = digitIndex(digits[i]) - 1;
    if (d >= 0) {
      digits[i] = digit(d);
      return head + digits.join('');
    }
    digits[i] = LAST;
  }
  if (head === 'a') return `Z${LAST}`;
  if (head === 'A') return null;
  const next = String.fromCharCode(head.charCodeAt(0) - 1);
  if (next < 'Z') digits.push(LAST);
  else digits.pop();
  return next + digits.join('');
}

export function isValidRank(key: string): boolean {
  try {
    assertValid(key);
    return true;
  } catch {
    return false;
  }
}

// The rank for a task placed after `before` and ahead of `after` (either may be absent: start or end).
export function rankBetween(before: string | null, after: string | null): string {
  if (before !== null) assertValid(before);
  if (after !== null) assertValid(after);
  if (before !== null && after !== null && before >= after) throw new Error(`ranks out of order: ${before} >= ${after}`);
  if (before === null) {
    if (after === null) return `a${ZERO}`;
    const ib = integerPart(after);
    const fb = after.slice(ib.length);
    if (ib === SMALLEST_INTEGER) return ib + midpoint('', fb);
    if (ib < after) return ib;
    const lower = decrementInteger(ib);
    if (lower === null) throw new Error('rank space exhausted at the start');
    return lower;
  }
  const ia = integerPart(before);
  const fa = before.slice(ia.length);
  if (after === null) return incrementInteger(ia) ?? ia + midpoint(fa, null);
  const ib = integerPart(after);
  if (ia === ib) return ia + midpoint(fa, after.slice(ib.length));
  const next = incrementInteger(ia);
  if (next === null) throw new Error('rank space exhausted at the end');
  return next < after ? next : ia + midpoint(fa, null);
}

// Keys for n items in order, used when seeding a column.
export function initialRanks(n: number): string[] {
  const out: string[] = [];
  let prev: string | null = null;
  for (let i = 0; i < n; i++) {
    prev = rankBetween(prev, null);
    out.push(prev);
  }
  return out;
}
