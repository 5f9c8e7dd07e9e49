import type { z } from 'zod';
import type { Permission } from '@/lib/auth/permissions';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type AuthMode = 'tenant' | 'user' | 'platform' | 'none';

export interface Operation<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  id: string;
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  auth: AuthMode;
  permission?: Permission;
  params?: P;
  query?: Q;
  body?: B;
  // The body may be left out entirely (the handler then gets undefined).
  bodyOptional?: boolean;
  response?: R;
  status?: number;
  bodyLimit?: number;
  responseContentType?: string;
  // Overrides the default for a billing-suspended organization (reads allowed, writes refused): lib/billing/enforce.ts.
  whenSuspended?: 'allow' | 'refuse';
}

const registry: Operation[] = [];

// Every operation is declared once; the route wrapper validates with it and openapi.json is built from it.
// `const T` keeps the literal shape, so handlers see exactly which of params/query/body an operation has.
export function defineOperation<const T extends Operation>(op: T): T {
  registry.push(op);
  return op;
}

export function listOperations(): readonly Operation[] {
  return registry;
}
