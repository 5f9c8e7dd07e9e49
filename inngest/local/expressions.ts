// The subset of Inngest's CEL expressions the local runner evaluates (trigger `if`s, waitForEvent and cancelOn
// matches, concurrency keys, run priority): paths like `event.data.x` or `async.data['y']`; string, number,
// boolean and null literals; `==`, `!=`, `<`, `<=`, `>`, `>=`; `!`, `&&`, `||`; `+` (numbers, or two strings),
// `-`, `*`, `/` (whole numbers divide as integers), unary `-`; `cond ? a : b`; `string(x)` and `int(x)`; and
// parentheses. Anything else is refused when the function is synced. Where CEL would raise an error (a missing
// field, mixed types) the value is undefined: a comparison with it is false and a priority from it is 0.

export type CompiledExpression = (scope: Record<string, unknown>) => unknown;

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(&&|\|\||==|!=|<=|>=|[!().[\]<>+\-*/?:])|([A-Za-z_]\w*))\s*/y;
type Token = { literal?: unknown; punct?: string; ident?: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  for (TOKEN.lastIndex = 0; TOKEN.lastIndex < source.length; ) {
    const m = TOKEN.exec(source);
    if (!m) throw new Error(`expression "${source}" is not supported by the local runner`);
    const [, num, single, double, punct, ident] = m;
    if (num !== undefined) tokens.push({ literal: Number(num) });
    else if (single !== undefined || double !== undefined) tokens.push({ literal: (single ?? double ?? '').replace(/\\(.)/g, '$1') });
    else if (punct !== undefined) tokens.push({ punct });
    else if (ident === 'true' || ident === 'false' || ident === 'null') tokens.push({ literal: ident === 'null' ? null : ident === 'true' });
    else tokens.push({ ident });
  }
  return tokens;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function applyArithmetic(op: string, a: unknown, b: unknown): unknown {
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  if (!isNumber(a) || !isNumber(b)) return undefined;
  if (op === '+') return a + b;
  if (op === '-') return a - b;
  if (op === '*') return a * b;
  if (b === 0) return undefined;
  return Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b;
}

function compareOrdered(op: string, a: unknown, b: unknown): boolean {
  const comparable = (isNumber(a) && isNumber(b)) || (typeof a === 'string' && typeof b === 'string');
  if (!comparable) return false;
  const [x, y] = [a as number | string, b as number | string]; // both numbers or both strings, checked above
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

const FUNCTIONS: Record<string, (v: unknown) => unknown> = {
  string: (v) => (typeof v === 'string' ? v : isNumber(v) || typeof v === 'boolean' ? String(v) : undefined),
  int: (v) => {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    return isNumber(n) ? Math.trunc(n) : undefined;
  },
};

export function compileExpression(source: string): CompiledExpression {
  const tokens = tokenize(source);
  let pos = 0;
  const fail = (): never => {
    throw new Error(`expression "${source}" is not supported by the local runner`);
  };
  const accept = (punct: string) => (tokens[pos]?.punct === punct ? (pos += 1) > 0 : false);
  const acceptOneOf = (puncts: readonly string[]) => {
    const punct = tokens[pos]?.punct;
    if (punct === undefined || !puncts.includes(punct)) return undefined;
    pos += 1;
    return punct;
  };

  const primary = (): CompiledExpression => {
    const token = tokens[pos++] ?? fail();
    if (token.punct === '!') {
      const inner = primary();
      return (s) => !inner(s);
    }
    if (token.punct === '-') {
      const inner = primary();
      return (s) => applyArithmetic('-', 0, inner(s));
    }
    if (token.punct === '(') {
      const inner = ternary();
      if (!accept(')')) fail();
      return inner;
    }
    if ('literal' in token) return () => token.literal;
    const root = token.ident ?? fail();
    const fn = FUNCTIONS[root];
    if (fn && accept('(')) {
      const arg = ternary();
      if (!accept(')')) fail();
      return (s) => fn(arg(s));
    }
    const path: string[] = [];
    for (;;) {
      if (accept('.')) path.push(tokens[pos++]?.ident ?? fail());
      else if (accept('[')) {
        const key = tokens[pos++]?.literal;
        if (typeof key !== 'string' || !accept(']')) return fail();
        path.push(key);
      } else break;
    }
    // Event payloads are JSON, so any object along the path is a plain record.
    return (s) => path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), s[root]);
  };
  const binary = (operand: () => CompiledExpression, ops: readonly string[], apply: (op: string, a: unknown, b: unknown) => unknown) => () => {
    let left = operand();
    for (let op = acceptOneOf(ops); op !== undefined; op = acceptOneOf(ops)) {
      const [l, r, o] = [left, operand(), op];
      left = (s) => apply(o, l(s), r(s));
    }
    return left;
  };
  const multiplicative = binary(primary, ['*', '/'], applyArithmetic);
  const additive = binary(multiplicative, ['+', '-'], applyArithmetic);
  const relational = (): CompiledExpression => {
    const left = additive();
    const op = acceptOneOf(['<', '<=', '>', '>=']);
    if (op === undefined) return left;
    const right = additive();
    return (s) => compareOrdered(op, left(s), right(s));
  };
  const comparison = (): CompiledExpression => {
    const left = relational();
    const negate = accept('!=');
    if (!negate && !accept('==')) return left;
    const right = relational();
    // A missing field equals nothing, not even another missing field: a match on an absent key never pairs events.
    return (s) => {
      const [a, b] = [left(s), right(s)];
      return (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b)) !== negate;
    };
  };
  const and = (): CompiledExpression => {
    const parts = [comparison()];
    while (accept('&&')) parts.push(comparison());
    return parts.length === 1 ? parts[0]! : (s) => parts.every((p) => Boolean(p(s)));
  };
  const or = (): CompiledExpression => {
    const parts = [and()];
    while (accept('||')) parts.push(and());
    return parts.length === 1 ? parts[0]! : (s) => parts.some((p) => Boolean(p(s)));
  };
  function ternary(): CompiledExpression {
    const condition = or();
    if (!accept('?')) return condition;
    const then = ternary();
    if (!accept(':')) fail();
    const otherwise = ternary();
    return (s) => {
      const c = condition(s);
      return c === true ? then(s) : c === false ? otherwise(s) : undefined;
    };
  }

  const compiled = ternary();
  if (pos !== tokens.length) fail();
  return compiled;
}

const cache = new Map<string, CompiledExpression>();

export function getCompiledExpression(source: string): CompiledExpression {
  let compiled = cache.get(source);
  if (!compiled) cache.set(source, (compiled = compileExpression(source)));
  return compiled;
}
