import { findUnstorable } from '@/lib/http/body';
import { invalidFilter } from './errors';

// A real parser for the subset of RFC 7644 §3.4.2.2 filters that identity providers send: comparisons joined by
// `and`, optionally in parentheses, and value filters on a multi-valued attribute (`members[value eq "id"]`, read
// as `members.value eq "id"`). Operators: eq, co, sw. Anything else (or, not, ne, gt, pr, a sub-attribute after a
// value filter, ...) is refused with invalidFilter, never half-understood. Whether an attribute can be filtered on
// is for the resource to say.

export type FilterOp = 'eq' | 'co' | 'sw';
export type FilterValue = string | boolean | null;

export interface Comparison {
  /** The attribute path, lower-cased (SCIM attribute names are case-insensitive), schema URN prefix removed. */
  attr: string;
  op: FilterOp;
  value: FilterValue;
}

const MAX_FILTER_LENGTH = 1_000;
const MAX_COMPARISONS = 10;
const isSupportedOp = (op: string): op is FilterOp => op === 'eq' || op === 'co' || op === 'sw';
const KNOWN_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr']);
const CORE_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/i;

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: 'lparen' } | { kind: 'rparen' } | { kind: 'lbracket' } | { kind: 'rbracket' };

function readString(input: string, start: number): { text: string; end: number } {
  // A JSON string: the same escapes, so JSON.parse decodes it once its end is found.
  let i = start + 1;
  while (i < input.length) {
    const c = input[i];
    if (c === '\\') i += 2;
    else if (c === '"') {
      try {
        const text: unknown = JSON.parse(input.slice(start, i + 1));
        // An escaped NUL or lone surrogate would reach PostgreSQL, which cannot compare it (a 500, not an answer).
        if (typeof text === 'string' && findUnstorable(text) === null) return { text, end: i + 1 };
      } catch {
        break;
      }
      break;
    } else i += 1;
  }
  throw invalidFilter('The filter has an unterminated or malformed string');
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input.charAt(i);
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen' });
      i += 1;
    } else if (c === '[' || c === ']') {
      tokens.push({ kind: c === '[' ? 'lbracket' : 'rbracket' });
      i += 1;
    } else if (c === '"') {
      const s = readString(input, i);
      tokens.push({ kind: 'string', text: s.text });
      i = s.end;
    } else {
      const m = /^[A-Za-z0-9:._$-]+/.exec(input.slice(i));
      if (!m) throw invalidFilter(`Unexpected character "${c}" in the filter`);
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  readonly comparisons: Comparison[] = [];

  constructor(private readonly tokens: Token[]) {}

  parse(): Comparison[] {
    this.expression();
    if (this.pos < this.tokens.length) throw invalidFilter(`Unexpected ${this.describe(this.tokens[this.pos])} in the filter; only "and" joins comparisons`);
    return this.comparisons;
  }

  private describe(t: Token | undefined): string {
    if (!t) return 'end of filter';
    if (t.kind === 'word' || t.kind === 'string') return `"${t.text}"`;
    return t.kind === 'lbracket' || t.kind === 'rbracket' ? 'a bracket' : 'a parenthesis';
  }

  private peekWord(): string | null {
    const t = this.tokens[this.pos];
    return t?.kind === 'word' ? t.text.toLowerCase() : null;
  }

  private expression(): void {
    this.term();
    for (;;) {
      const t = this.tokens[this.pos];
      if (t?.kind !== 'word') return;
      const word = t.text.toLowerCase();
      if (word === 'or') throw invalidFilter('"or" is not supported in filters; send one request per alternative');
      if (word !== 'and') return;
      this.pos += 1;
      this.term();
    }
  }

  private term(): void {
    const t = this.tokens[this.pos];
    if (t?.kind === 'lparen') {
      this.pos += 1;
      this.expression();
      if (this.tokens[this.pos]?.kind !== 'rparen') throw invalidFilter('A parenthesis in the filter is not closed');
      this.pos += 1;
      return;
    }
    if (t?.kind === 'word' && t.text.toLowerCase() === 'not') throw invalidFilter('"not" is not supported in filters');
    this.comparison();
  }

  private comparison(prefix = ''): void {
    const attrToken = this.tokens[this.pos];
    if (attrToken?.kind !== 'word') throw invalidFilter(`Expected an attribute name, found ${this.describe(attrToken)}`);
    if (this.tokens[this.pos + 1]?.kind === 'lbracket') {
      if (prefix) throw invalidFilter('Value filters cannot be nested');
      const attr = attrToken.text.replace(CORE_PREFIX, '').toLowerCase();
      this.pos += 2;
      this.comparison(`${attr}.`);
      while (this.peekWord() === 'and') {
        this.pos += 1;
        this.comparison(`${attr}.`);
      }
      if (this.tokens[this.pos]?.kind !== 'rbracket') throw invalidFilter(`The value filter of "${attrToken.text}" is not closed`);
      this.pos += 1;
      return;
    }
    const opToken = this.tokens[this.pos + 1];
    if (opToken?.kind !== 'word') throw invalidFilter(`Expected an operator after "${attrToken.text}", found ${this.describe(opToken)}`);
    const op = opToken.text.toLowerCase();
    if (!KNOWN_OPS.has(op)) throw invalidFilter(`"${opToken.text}" is not a filter operator`);
    if (!isSupportedOp(op)) throw invalidFilter(`The "${op}" operator is not supported; use eq, co or sw`);
    const valueToken = this.tokens[this.pos + 2];
    this.pos += 3;
    this.comparisons.push({ attr: `${prefix}${attrToken.text.replace(CORE_PREFIX, '').toLowerCase()}`, op, value: valueOf(valueToken) });
    if (this.comparisons.length > MAX_COMPARISONS) throw invalidFilter(`A filter may hold at most ${MAX_COMPARISONS} comparisons`);
  }
}

function valueOf(t: Token | undefined): FilterValue {
  if (t?.kind === 'string') return t.text;
  if (t?.kind === 'word') {
    const w = t.text.toLowerCase();
    if (w === 'true') return true;
    if (w === 'false') return false;
    if (w === 'null') return null;
  }
  throw invalidFilter('A comparison value must be a quoted string, true, false or null');
}

export function parseFilter(input: string): Comparison[] {
  if (input.length > MAX_FILTER_LENGTH) throw invalidFilter(`The filter is longer than ${MAX_FILTER_LENGTH} characters`);
  const tokens = tokenize(input);
  if (tokens.length === 0) throw invalidFilter('The filter is empty');
  return new Parser(tokens).parse();
}
