import { z } from 'zod';
import { invalidPath, invalidSyntax, invalidValue } from './errors';
import { parseFilter, type Comparison } from './filter';

// PATCH bodies (RFC 7644 §3.5.2) as Okta and Azure AD send them: ops in any case ("Replace"), a path that is an
// attribute, a sub-attribute or a value filter (`members[value eq "id"]`), or no path and an object of
// attributes. Booleans may arrive as strings ("False"): Azure AD sends them so.

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const MAX_PATCH_OPERATIONS = 100;

export type PatchVerb = 'add' | 'remove' | 'replace';

export interface PatchPath {
  /** Lower-cased attribute name (schema URN prefix removed); an extension URN keeps its URN. */
  attr: string;
  sub?: string;
  filter?: Comparison[];
}

export interface PatchOperation {
  op: PatchVerb;
  path?: PatchPath;
  value: unknown;
}

const patchBodySchema = z.object({
  schemas: z.array(z.string()).refine((s) => s.includes(PATCH_OP_SCHEMA), `schemas must include ${PATCH_OP_SCHEMA}`),
  Operations: z
    .array(
      z.object({
        op: z.string().transform((s, ctx) => {
          const v = s.toLowerCase();
          if (v === 'add' || v === 'remove' || v === 'replace') return v;
          ctx.addIssue({ code: 'custom', message: `"${s}" is not a PATCH op (add, remove, replace)` });
          return z.NEVER;
        }),
        path: z.string().max(500).optional(),
        value: z.unknown().optional(),
      }),
    )
    .min(1)
    .max(MAX_PATCH_OPERATIONS),
});

const CORE_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/i;
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export function parsePath(raw: string): PatchPath {
  const path = raw.trim().replace(CORE_PREFIX, '');
  if (path.toLowerCase().startsWith(ENTERPRISE_USER_SCHEMA.toLowerCase())) {
    return { attr: ENTERPRISE_USER_SCHEMA.toLowerCase(), sub: path.slice(ENTERPRISE_USER_SCHEMA.length + 1).toLowerCase() || undefined };
  }
  const m = /^([A-Za-z][A-Za-z0-9_$-]*)(?:\[(.*)\])?(?:\.([A-Za-z][A-Za-z0-9_$-]*))?$/.exec(path);
  if (!m?.[1]) throw invalidPath(`"${raw}" is not a valid attribute path`);
  const filter = m[2] === undefined ? undefined : parseFilterForPath(raw, m[2]);
  return { attr: m[1].toLowerCase(), sub: m[3]?.toLowerCase(), filter };
}

function parseFilterForPath(raw: string, inner: string): Comparison[] {
  try {
    return parseFilter(inner);
  } catch {
    throw invalidPath(`The value filter in "${raw}" is not supported; use forms like members[value eq "id"]`);
  }
}

export function parsePatch(body: unknown): PatchOperation[] {
  const parsed = patchBodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidSyntax(`Invalid PATCH request: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'malformed'}`);
  }
  return parsed.data.Operations.map((o) => ({ op: o.op, path: o.path === undefined ? undefined : parsePath(o.path), value: o.value }));
}

// true/false, or Azure AD's "True"/"False".
export function toBoolean(value: unknown, attr: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw invalidValue(`${attr} must be true or false`);
}

export function toText(value: unknown, attr: string, max = 255): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidValue(`${attr} must be a non-empty string`);
  if (value.length > max) throw invalidValue(`${attr} must be at most ${max} characters`);
  return value.trim();
}

export function toOptionalText(value: unknown, attr: string, max = 255): string | null {
  if (value === null || value === undefined || value === '') return null;
  return toText(value, attr, max);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
