import { sql, type SQL } from 'drizzle-orm';
import { pgPolicy, pgRole, timestamp, uuid } from 'drizzle-orm/pg-core';

// Created by the first custom migration; drizzle-kit must not try to create them again.
export const appUser = pgRole('app_user').existing();
export const appAuth = pgRole('app_auth').existing();

// nullif: a pooled connection that once had the setting reports '' rather than NULL; both must mean "no tenant".
export const currentTenant: SQL = sql`(select nullif(current_setting('app.tenant_id', true), ''))::uuid`;

// The one policy every tenant table carries (DESIGN.md): a missing setting yields NULL, so access fails closed.
export function tenantPolicy(table: string) {
  return pgPolicy(`${table}_tenant_isolation`, {
    as: 'permissive',
    for: 'all',
    to: appUser,
    using: sql`tenant_id = ${currentTenant}`,
    withCheck: sql`tenant_id = ${currentTenant}`,
  });
}

export const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
};

export const tenantIdColumn = () => uuid('tenant_id').notNull();
