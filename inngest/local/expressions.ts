// The subset of Inngest's CEL expressions the local runner evaluates (trigger `if`s, waitForEvent and cancelOn
// matches, concurrency keys): paths like `event.data.x` or `async.data['y']`, string/number/boolean/null literals,
// `==`, `!=`, `!`, `&&`, `||` and parentheses. Anything else is refused when the function is synced.

export type CompiledExpression = (scope: Record<string, unknown>) => unknown;

const TOKEN = /\s*(?:(-?\d+(?:\.\d+)?)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(&&|\|\||==|!=|[!().[\]])|([A-Za-z_]\w*))\s*/y;
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

export function compileExpression(source: string): CompiledExpression {
  const tokens = tokenize(source);
  let pos = 0;
  const fail = (): never => {
    throw new Error(`expression "${source}" is not supported by the local runner`);
  };
  const accept = (punct: string) => (tokens[pos]?.punct === punct ? (pos += 1) > 0 : false);

  const primary = (): CompiledExpression => {
    const token = tokens[pos++] ?? fail();
    if (token.punct === '!') {
      const inner = primary();
      return (s) => !inner(s);
    }
    if (token.punct === '(') {
      const inner = or();
      if (!accept(')')) fail();
      return inner;
    }
    if ('literal' in token) return () => token.literal;
    const root = token.ident ?? fail();
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
  const comparison = (): CompiledExpression => {
    const left = primary();
    const negate = accept('!=');
    if (!negate && !accept('==')) return left;
    const right = primary();
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
  function or(): CompiledExpression {
    const parts = [and()];
    while (accept('||')) parts.push(and());
    return parts.length === 1 ? parts[0]! : (s) => parts.some((p) => Boolean(p(s)));
  }

  const compiled = or();
  if (pos !== tokens.length) fail();
  return compiled;
}

const cache = new Map<string, CompiledExpression>();

export function getCompiledExpression(source: string): CompiledExpression {
  let compiled = cache.get(source);
  if (!compiled) cache.set(source, (compiled = compileExpression(source)));
  return compiled;
}
