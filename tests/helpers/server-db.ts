import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import * as schema from '@/lib/db/schema';
import { migrateDatabase } from '@/lib/db/migrate';
import type { Database } from '@/lib/db/types';

export const LOGIN_ROLE = 'reflex_app_test';

// What an operator does once (README "Database roles"), done for a throwaway database: migrate as the owner,
// then connect the app as a NOINHERIT login role whose default role is app_auth.
export async function prepareServerDatabase(adminUrl: string) {
  const database = `reflex_test_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const ownerUrl = new URL(adminUrl);
  ownerUrl.pathname = `/${database}`;
  const ownerPool = new pg.Pool({ connectionString: ownerUrl.toString(), max: 1 });
  await ownerPool.query('create extension if not exists vector').catch((err: Error) => {
    console.log(`[tests] pgvector is not installed on this server (${err.message}); vector features will fail`);
  });
  // node-postgres' drizzle instance is a PgDatabase; the result HKT differs only in row typing.
  await migrateDatabase(drizzle({ client: ownerPool, schema }) as unknown as Database, 'postgres');
  await ownerPool.end();
  await admin.query(`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = '${LOGIN_ROLE}') then
        create role ${LOGIN_ROLE} login noinherit;
      end if;
    end $$;`);
  await admin.query(`alter role ${LOGIN_ROLE} set role = 'app_auth'`);
  await admin.query(`grant app_user, app_auth to ${LOGIN_ROLE}`);
  await admin.query(`grant connect on database ${database} to ${LOGIN_ROLE}`);
  const appUrl = new URL(ownerUrl);
  appUrl.username = LOGIN_ROLE;
  appUrl.password = '';
  return {
    database,
    loginRole: LOGIN_ROLE,
    appUrl: appUrl.toString(),
    ownerUrl: ownerUrl.toString(),
    drop: async () => {
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.end();
    },
  };
}
