import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '@/lib/db/migrate';
import { queryRows } from '@/lib/db/sql';
import { closeOwnerDb, inScratchDatabase } from '../helpers/db';

afterAll(async () => {
  await closeOwnerDb();
});

const MIGRATION = readFileSync(path.join(MIGRATIONS_FOLDER, '0022_privacy_export_permission.sql'), 'utf8');
const statements = MIGRATION.split('--> statement-breakpoint').map((s) => s.trim()).filter((s) => s.length > 0);

// A Postgres array literal sent as one parameter.
const textArray = (values: string[]) => sql`${`{${values.join(',')}}`}::text[]`;

describe('migration: privacy:export for the roles and keys that existed before it', () => {
  it('adds it to every stored role and to the keys that could already export the organization, once', async () => {
    const result = await inScratchDatabase(async (tx) => {
      const tenant = randomUUID();
      await tx.execute(sql`insert into tenants (id, name, slug) values (${tenant}, 'Before', ${`before-${tenant.slice(0, 8)}`})`);
      const roles = {
        owner: ['documents:read', 'privacy:manage', 'tenant:manage'],
        member: ['documents:read', 'tasks:read'],
        custom: ['tasks:read'],
        already: ['tasks:read', 'privacy:export'],
      };
      for (const [key, permissions] of Object.entries(roles)) {
        await tx.execute(sql`insert into roles (tenant_id, key, name, permissions, builtin)
          values (${tenant}, ${key}, ${key}, ${textArray(permissions)}, ${key !== 'custom'})`);
      }
      const keys = { manager: ['privacy:manage', 'tasks:read'], reader: ['tasks:read'] };
      for (const [name, scopes] of Object.entries(keys)) {
        await tx.execute(sql`insert into api_keys (tenant_id, name, prefix, key_hash, scopes)
          values (${tenant}, ${name}, 'rfx_x', ${randomUUID()}, ${textArray(scopes)})`);
      }
      for (let run = 0; run < 2; run++) for (const statement of statements) await tx.execute(sql.raw(statement));
      return {
        roles: await queryRows<{ key: string; permissions: string[] }>(tx, sql`select key, permissions from roles where tenant_id = ${tenant} order by key`),
        keys: await queryRows<{ name: string; scopes: string[] }>(tx, sql`select name, scopes from api_keys where tenant_id = ${tenant} order by name`),
      };
    });
    expect(result.roles).toEqual([
      { key: 'already', permissions: ['tasks:read', 'privacy:export'] },
      { key: 'custom', permissions: ['tasks:read', 'privacy:export'] },
      { key: 'member', permissions: ['documents:read', 'tasks:read', 'privacy:export'] },
      { key: 'owner', permissions: ['documents:read', 'privacy:manage', 'tenant:manage', 'privacy:export'] },
    ]);
    expect(result.keys).toEqual([
      { name: 'manager', scopes: ['privacy:manage', 'tasks:read', 'privacy:export'] },
      { name: 'reader', scopes: ['tasks:read'] },
    ]);
  });
});
