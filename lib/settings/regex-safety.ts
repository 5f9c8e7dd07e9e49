// Tenant rules are regular expressions run against whole documents by the pipeline, on a shared server. A length
// cap bounds their size; this check refuses the classic catastrophic-backtracking shapes, which a short pattern
// can still have: a quantified group whose body is itself unboundedly quantified, like (a+)+, (\w*)*, (x+y?){2,}.
// It is a conservative static check, not a proof: it errs on the side of refusing.

export const MAX_PATTERN_LENGTH = 300;

interface Group {
  // The group's body contains an unbounded quantifier (directly or in a nested group).
  unbounded: boolean;
}

// Reads a quantifier at i, if any: its length and whether it is unbounded (*, +, {n,}, or a large {n,m}).
function quantifierAt(source: string, i: number): { length: number; unbounded: boolean } | undefined {
  const ch = source[i];
  if (ch === '*' || ch === '+') return { length: lazySuffix(source, i + 1) + 1, unbounded: true };
  if (ch === '?') return { length: lazySuffix(source, i + 1) + 1, unbounded: false };
  if (ch === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
    if (!m) return undefined;
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
    return { length: m[0].length + lazySuffix(source, i + m[0].length), unbounded: max > 10 };
  }
  return undefined;
}

function lazySuffix(source: string, i: number): number {
  return source[i] === '?' ? 1 : 0;
}

// Index just past a character class starting at i ('['), honouring escapes.
function skipClass(source: string, i: number): number {
  let j = i + 1;
  if (source[j] === '^') j++;
  if (source[j] === ']') j++;
  while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
  return j + 1;
}

// Returns a reason when the pattern is refused, undefined when it is accepted.
export function unsafePatternReason(source: string): string | undefined {
  if (source.length > MAX_PATTERN_LENGTH) return `pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  if (/\\[1-9]|\\k</.test(source)) return 'backreferences are not allowed';
  const stack: Group[] = [{ unbounded: false }];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    let atomEnd: number;
    let closed: Group | undefined;
    if (ch === '\\') atomEnd = i + 2;
    else if (ch === '[') atomEnd = skipClass(source, i);
    else if (ch === '(') {
      stack.push({ unbounded: false });
      i += 1;
      // Skip the group's prefix: (?:, (?=, (?!, (?<=, (?<!, (?<name>.
      const prefix = /^\?(?::|=|!|<=|<!|<[A-Za-z_][A-Za-z0-9_]*>)/.exec(source.slice(i));
      if (prefix) i += prefix[0].length;
      continue;
    } else if (ch === ')') {
      closed = stack.pop();
      if (closed === undefined || stack.length === 0) return 'unbalanced parentheses';
      atomEnd = i + 1;
    } else atomEnd = i + 1;

    const q = quantifierAt(source, atomEnd);
    const top = stack[stack.length - 1];
    if (q && closed?.unbounded && q.unbounded) {
      return 'nested quantifiers such as (a+)+ can take exponential time';
    }
    if (top && ((q?.unbounded ?? false) || (closed?.unbounded ?? false))) top.unbounded = true;
    i = atomEnd + (q?.length ?? 0);
  }
  return stack.length === 1 ? undefined : 'unbalanced parentheses';
}
