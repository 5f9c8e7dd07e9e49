import { RE2JS, RE2JSSyntaxException } from 're2js';

// Tenant rules are regular expressions that the pipeline runs over whole documents (up to 500k characters) on a
// shared server, and anyone can sign up and write them. JavaScript's RegExp backtracks, so a short pattern such
// as (a|a)+$ takes exponential time; no static check catches every such shape. Tenant patterns therefore run in
// re2js, a pure-JavaScript port of RE2 (no native build, so it runs on Vercel): its matching time is linear in
// the input. Linear is not free: the cost is input length × compiled program size, so the program size is capped
// per pattern and across one organization's rules. Patterns use RE2 syntax
// (https://github.com/google/re2/wiki/Syntax); constructs RE2 cannot express are refused with their name.

export const MAX_PATTERN_LENGTH = 300;
// Instructions of one compiled pattern. Useful rules measured 10–60 (a 13–16 digit card number is 55).
export const MAX_PATTERN_PROGRAM = 300;
// Instructions of all of one organization's patterns together, which bounds the work per document. Typical rules
// take tens of milliseconds on 500k characters (the capture-free DFA answers). A pattern built to defeat the DFA
// falls back to the NFA, linear in characters × instructions (measurements: docs/performance.md).
export const MAX_RULES_PROGRAM = 1_000;

const FLAGS = RE2JS.CASE_INSENSITIVE | RE2JS.MULTILINE;

export class TenantPatternError extends Error {}

// What RE2 reports, said in terms of the construct the author wrote.
function explain(err: RE2JSSyntaxException): string {
  const at = err.input ?? '';
  switch (err.error) {
    case 'invalid escape sequence':
      if (/^\\[1-9]/.test(at)) return `backreferences (${at}) are not supported`;
      if (at.startsWith('\\k')) return 'named backreferences (\\k<name>) are not supported';
      if (at.startsWith('\\u')) return 'the \\u escape is not supported; write a code point as \\x{41}';
      return `the escape ${at} is not supported`;
    case 'invalid or unsupported Perl syntax':
      if (at.startsWith('(?=') || at.startsWith('(?!')) return `lookahead (${at}…) is not supported`;
      if (at.startsWith('(?>')) return 'atomic groups ((?>…)) are not supported';
      return `the group syntax ${at} is not supported`;
    case 'invalid named capture':
      if (/^\(\?<[=!]/.test(at)) return `lookbehind (${at.slice(0, 4)}…) is not supported`;
      return `invalid group name in ${at}`;
    case 'invalid nested repetition operator':
      return `a quantifier cannot follow another (${at}); possessive quantifiers such as a++ are not supported`;
    case 'invalid repeat count':
      return `repeat count ${at} is not supported (at most 1000)`;
    case 'expression too large':
    case 'expression nests too deeply':
      return `the pattern is too complex (${err.error})`;
    default:
      return `${err.error}${at ? `: ${at}` : ''}`;
  }
}

/** The compiled pattern, or a TenantPatternError whose message names what is wrong. */
export function compileTenantPattern(source: string): RE2JS {
  if (source.length > MAX_PATTERN_LENGTH) throw new TenantPatternError(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, FLAGS);
  } catch (err) {
    if (err instanceof RE2JSSyntaxException) throw new TenantPatternError(explain(err));
    throw new TenantPatternError(err instanceof Error ? err.message : 'the pattern does not compile');
  }
  const size = compiled.programSize();
  if (size > MAX_PATTERN_PROGRAM) {
    throw new TenantPatternError(`the pattern is too complex (${size} instructions, at most ${MAX_PATTERN_PROGRAM}); lower its repeat counts`);
  }
  return compiled;
}

/** Why the pattern is refused, or undefined when it is accepted. */
export function tenantPatternProblem(source: string): string | undefined {
  try {
    compileTenantPattern(source);
    return undefined;
  } catch (err) {
    if (err instanceof TenantPatternError) return err.message;
    throw err;
  }
}

/** Compiled size of an accepted pattern, for the per-organization budget; 0 for one that does not compile. */
export function tenantPatternCost(source: string): number {
  try {
    return compileTenantPattern(source).programSize();
  } catch {
    return 0;
  }
}

// Characters searched for the text of a match. Whether a pattern matches is decided on the whole text by the
// capture-free DFA; finding where needs the slower capturing NFA, so only this much of the text is searched for a
// snippet to show.
export const SNIPPET_WINDOW = 64 * 1024;

/**
 * Whether the pattern matches the text, and the leftmost match's text when it lies within the first
 * SNIPPET_WINDOW characters (null beyond: the match is certain, only its text is not looked for).
 */
export function firstMatch(pattern: RE2JS, text: string): { text: string | null } | null {
  if (!pattern.test(text)) return null;
  const m = pattern.matcher(snippetWindow(text));
  return { text: m.find() ? m.group(0) : null };
}

// Cut at a line break, so that $ and \b at the window's end mean what they mean in the whole text.
function snippetWindow(text: string): string {
  if (text.length <= SNIPPET_WINDOW) return text;
  const lineEnd = text.lastIndexOf('\n', SNIPPET_WINDOW);
  return text.slice(0, lineEnd > 0 ? lineEnd : SNIPPET_WINDOW);
}
