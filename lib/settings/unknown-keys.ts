import { z } from 'zod';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Paths of keys present in `input` that parsing dropped from `output`: zod objects strip unknown keys silently,
// and a settings document with a misspelt field must be refused, not half-applied.
export function unknownKeyPaths(input: unknown, output: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(input) && Array.isArray(output)) {
    return input.flatMap((item, i) => unknownKeyPaths(item, output[i], [...path, i]));
  }
  if (!isPlainObject(input) || !isPlainObject(output)) return [];
  return Object.keys(input).flatMap((key) =>
    key in output ? unknownKeyPaths(input[key], output[key], [...path, key]) : [[...path, key]],
  );
}

// The schema itself, refusing unknown keys at any depth. The OpenAPI document still shows the schema's own shape
// (a preprocess step is skipped in input mode).
export function strictDeep<S extends z.ZodType>(schema: S) {
  return z.preprocess((raw, ctx) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) {
      for (const path of unknownKeyPaths(raw, parsed.data)) {
        ctx.addIssue({ code: 'custom', message: `Unknown field "${String(path[path.length - 1])}"`, path, input: raw });
      }
    }
    return raw;
  }, schema);
}
