// Encoders for everything the audit log writes as text. The threat: a value an attacker chose (a user agent, a
// forwarded-for header, a role name) that forges an extra line in a line-based file, breaks out of a CSV field,
// or runs as a formula when the CSV is opened in a spreadsheet.

// Characters that some line-based readers treat as a line break although JSON.stringify leaves them raw:
// NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR (Python's splitlines, some log viewers, older JavaScript).
const RAW_LINE_BREAKS = /[\u0085\u2028\u2029]/g;

const escapeCodePoint = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One JSON Lines record: JSON.stringify escapes quotes, backslashes and C0 controls (CR, LF, VT, FF, ...);
 * the remaining Unicode line breaks are escaped too, so each record is exactly one physical line. */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value).replace(RAW_LINE_BREAKS, escapeCodePoint)}\n`;
}

// Every character that can end a line somewhere, plus the backslash that introduces our escapes.
const CSV_BREAKS = /[\\\r\n\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]/g;
const CSV_ESCAPES: Record<string, string> = { '\\': '\\\\', '\r': '\\r', '\n': '\\n' };

// A cell a spreadsheet would evaluate (OWASP "CSV injection"): =, +, -, @, and tab/CR which some spreadsheets
// skip before looking; fullwidth forms, which some normalize.
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** One CSV field, RFC 4180 quoted, kept on one physical line (line breaks become \n, \r, \uXXXX; backslash is
 * doubled so the escaping is reversible) and neutralized against formula evaluation with a leading '. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value).replace(CSV_BREAKS, (ch) => CSV_ESCAPES[ch] ?? escapeCodePoint(ch));
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvRow(fields: (string | number | null | undefined)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** For plain-text output (log messages, headers): no character that could start a new line survives. */
export function oneLine(value: string, maxLength = 500): string {
  return value.replace(/[\r\n\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]/g, ' ').slice(0, maxLength);
}
