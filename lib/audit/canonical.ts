// The JSON values an audit entry may hold: what survives a round trip through jsonb and JSON.parse unchanged.
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NUL = /\u0000/g;
const MAX_DEPTH = 8;

// PostgreSQL refuses NUL in text and jsonb, and lone surrogates in jsonb. Cleaning before hashing means the
// stored value is exactly the hashed value, so a crafted string can neither fail the write nor break verify.
export function cleanText(value: string, maxLength: number): string {
  const cleaned = value.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD');
  if (cleaned.length <= maxLength) return cleaned;
  // Never cut a surrogate pair in half.
  const cut = /[\uD800-\uDBFF]/.test(cleaned.charAt(maxLength - 1)) ? maxLength - 1 : maxLength;
  return cleaned.slice(0, cut);
}

// Reduces any value to plain JSON (dropping undefined, functions and symbols like JSON.stringify, turning
// non-finite numbers into null and Dates into ISO strings), with cleaned strings and bounded depth.
export function toJsonValue(value: unknown, maxString = 2_000, depth = 0): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return cleanText(value, maxString);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= MAX_DEPTH) return null;
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v, maxString, depth + 1));
  if (typeof value === 'object') {
    const entries: [string, JsonValue][] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      entries.push([cleanText(k, 200), toJsonValue(v, maxString, depth + 1)]);
    }
    // fromEntries defines own properties, so a key named "__proto__" stays data and never becomes a prototype.
    return Object.fromEntries(entries);
  }
  return null;
}

/**
 * Canonical JSON, the byte string an audit hash is computed over: no whitespace, object keys sorted by UTF-16
 * code units at every level (JavaScript's default sort), arrays in order, strings and numbers exactly as
 * JSON.stringify writes them. jsonb may reorder keys; sorting makes the stored and the hashed form agree.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] ?? null)}`).join(',')}}`;
}
