import type { z } from 'zod';
import { readChunk } from './body-stream';
import { AppError, validationError } from './errors';
import { formatBytes } from '@/lib/ui/format';

export const DEFAULT_JSON_LIMIT = 256 * 1024;

const tooLarge = (limit: number) => new AppError('payload_too_large', `The request is larger than ${formatBytes(limit)}, the most this endpoint accepts`);

// Reads at most `limit` bytes, whatever Content-Length claims, so a lying client cannot make us buffer more, and
// gives up on a body that stalls (lib/http/body-stream.ts).
export async function readLimited(req: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > limit) throw tooLarge(limit);
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await readChunk(reader);
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

// PostgreSQL cannot store NUL in text, nor a lone UTF-16 surrogate (jsonb refuses the escape, text garbles it).
// Refused here, for every string of every body and query, instead of failing deep inside a query as a 500.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function findUnstorable(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findUnstorable(item, [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const found = findUnstorable(k, [...path, k]) ?? findUnstorable(v, [...path, k]);
      if (found) return found;
    }
  }
  return null;
}

export function assertStorable(value: unknown, where: string): void {
  const path = findUnstorable(value);
  if (!path) return;
  const field = path.length > 0 ? `${path.join('.')}: ` : '';
  throw new AppError('validation_failed', `Invalid ${where}: ${field}contains a NUL character or broken Unicode, which cannot be stored`, {
    details: { issues: [{ path: path.join('.'), message: 'contains a NUL character or broken Unicode' }] },
  });
}

export function isJsonRequest(req: Request): boolean {
  return /^application\/json\b/i.test(req.headers.get('content-type') ?? '');
}

export async function parseJsonBody<S extends z.ZodType>(req: Request, schema: S, limit = DEFAULT_JSON_LIMIT): Promise<z.output<S>> {
  if (!isJsonRequest(req)) throw new AppError('unsupported_media_type', 'Send the body as application/json');
  return decodeJson(await readLimited(req, limit), schema);
}

// For operations whose body may be left out (e.g. the first step of a two-step confirmation): no body is undefined.
export async function parseOptionalJsonBody<S extends z.ZodType>(req: Request, schema: S, limit = DEFAULT_JSON_LIMIT): Promise<z.output<S> | undefined> {
  const bytes = await readLimited(req, limit);
  if (bytes.byteLength === 0) return undefined;
  if (!isJsonRequest(req)) throw new AppError('unsupported_media_type', 'Send the body as application/json');
  return decodeJson(bytes, schema);
}

function decodeJson<S extends z.ZodType>(bytes: Uint8Array, schema: S): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new AppError('invalid_json', 'The request body is not valid JSON');
  }
  assertStorable(value, 'request body');
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, 'request body');
  return parsed.data;
}

export function parseQuery<S extends z.ZodType>(url: URL, schema: S): z.output<S> {
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    raw[key] = all.length > 1 ? all : (all[0] ?? '');
  }
  assertStorable(raw, 'query');
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error, 'query');
  return parsed.data;
}
