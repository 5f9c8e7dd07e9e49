import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { z } from 'zod';
import * as schema from '@/lib/db/schema';
import type { Env } from '@/lib/env';
import { errorText, line, withTimeout, type DoctorLine } from './types';

const AREA = 'Database';
const CONNECT_TIMEOUT_MS = 5_000;

const journalSchema = z.object({ entries: z.array(z.object({ tag: z.string(), when: z.number() })) });

export function readJournal(migrationsFolder = path.join(process.cwd(), 'drizzle')) {
  return journalSchema.parse(JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8'))).entries;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A broken connection after the checks must not crash the doctor.
  client.on('error', () => undefined);
  await withTimeout(CONNECT_TIMEOUT_MS + 500, 'connect', () => client.connect());
  return client;
}

async function checkMigrations(client: pg.Client, journal: { tag: string; when: number }[]): Promise<DoctorLine> {
  try {
    const { rows } = await client.query<{ last: string | null }>('select max(created_at)::text as last from drizzle.__drizzle_migrations');
    const last = Number(rows[0]?.last ?? 0);
    const pending = journal.filter((e) => e.when > last).map((e) => e.tag);
    return pending.length === 0
      ? line(AREA, 'ok', `migrations applied (${journal.length})`)
      : line(AREA, 'fail', `${pending.length} migration(s) not applied: ${pending.join(', ')}`, 'run `npm run db:migrate` with DATABASE_OWNER_URL set to the owner role');
  } catch (err) {
    // The app's login role may not see drizzle's bookkeeping schema: look for the tables instead.
    if (!/42501|permission denied|3F000|42P01|does not exist/i.test(errorText(err))) {
      return line(AREA, 'fail', `could not read the migration journal: ${errorText(err)}`);
    }
    const tables = Object.values(schema).filter((v) => is(v, PgTable)).map((t) => getTableName(t));
    const { rows } = await client.query<{ name: string; present: boolean }>(
      'select t.name, to_regclass(format($1, t.name)) is not null as present from unnest($2::text[]) as t(name)',
      ['public.%I', tables],
    );
    const missing = rows.filter((r) => !r.present).map((r) => r.name);
    return missing.length === 0
      ? line(AREA, 'ok', `all ${tables.length} tables present (set DATABASE_OWNER_URL to compare the migration journal exactly)`)
      : line(AREA, 'fail', `tables missing: ${missing.join(', ')}`, 'run `npm run db:migrate` with DATABASE_OWNER_URL set to the owner role');
  }
}

interface RoleRow {
  login: string;
  current: string;
  inherit: boolean;
  bypassrls: boolean;
  superuser: boolean;
  app_user: boolean;
  app_auth: boolean;
}

// DESIGN.md "Tenancy and RLS": the app logs in as a NOINHERIT role that is a member of app_user and app_auth
// (switching with SET ROLE), never a superuser or BYPASSRLS role, whose default role is app_auth.
export async function checkRoles(client: pg.Client): Promise<DoctorLine[]> {
  const { rows } = await client.query<RoleRow>(`
    select session_user::text as login, current_user::text as current, r.rolinherit as inherit,
           r.rolbypassrls as bypassrls, r.rolsuper as superuser,
           exists (select 1 from pg_roles where rolname = 'app_user') and pg_has_role(session_user, 'app_user', 'MEMBER') as app_user,
           exists (select 1 from pg_roles where rolname = 'app_auth') and pg_has_role(session_user, 'app_auth', 'MEMBER') as app_auth
    from pg_roles r where r.rolname = session_user`);
  const r = rows[0];
  if (!r) return [line(AREA, 'fail', 'could not read the login role')];
  const out: DoctorLine[] = [];
  const sqlFix = (what: string) => `as the owner: ${what}`;
  if (r.superuser || r.bypassrls) {
    out.push(line(AREA, 'fail', `login role ${r.login} is ${r.superuser ? 'a superuser' : 'BYPASSRLS'}: row-level security would not apply`, sqlFix(`create a dedicated login role (CREATE ROLE reflex_app LOGIN NOINHERIT PASSWORD '…'; GRANT app_user, app_auth TO reflex_app) and use it in DATABASE_URL`)));
  } else {
    out.push(line(AREA, 'ok', `login role ${r.login} is neither superuser nor BYPASSRLS`));
  }
  out.push(
    r.inherit
      ? line(AREA, 'fail', `login role ${r.login} is INHERIT: it would hold app_user's and app_auth's rights at once`, sqlFix(`ALTER ROLE ${r.login} NOINHERIT`))
      : line(AREA, 'ok', `login role ${r.login} is NOINHERIT`),
  );
  const missing = [!r.app_user && 'app_user', !r.app_auth && 'app_auth'].filter((m): m is string => Boolean(m));
  out.push(
    missing.length === 0
      ? line(AREA, 'ok', `${r.login} is a member of app_user and app_auth`)
      : line(AREA, 'fail', `${r.login} is not a member of ${missing.join(' and ')}`, sqlFix(`GRANT ${missing.join(', ')} TO ${r.login}`)),
  );
  if (!r.superuser && r.current !== 'app_auth') {
    out.push(line(AREA, 'warn', `${r.login} starts as ${r.current}, not app_auth: sign-in and platform tables need app_auth`, sqlFix(`ALTER ROLE ${r.login} SET role = 'app_auth'`)));
  }
  return out;
}

export async function checkDatabase(env: Env, journal = readJournal()): Promise<DoctorLine[]> {
  if (!env.DATABASE_URL) {
    return env.VERCEL
      ? [line(AREA, 'fail', 'no DATABASE_URL: the embedded database is refused on Vercel (its disk does not last)', 'set DATABASE_URL (Neon: the pooled connection string of the app login role) and DATABASE_OWNER_URL for migrations')]
      : [line(AREA, 'ok', `embedded PGlite at ${env.PGLITE_DIR} (migrated automatically at start)`)];
  }
  const where = redact(env.DATABASE_URL);
  let client: pg.Client;
  try {
    client = await connect(env.DATABASE_URL);
  } catch (err) {
    return [line(AREA, 'fail', `cannot connect to ${where}: ${errorText(err)}`, 'check DATABASE_URL: host, port, database name, user and password (Neon needs ?sslmode=require)')];
  }
  const out: DoctorLine[] = [];
  try {
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    out.push(line(AREA, 'ok', `connected to ${where} (PostgreSQL ${rows[0]?.server_version ?? '?'})`));
    if (env.DATABASE_OWNER_URL) {
      let owner: pg.Client | undefined;
      try {
        owner = await connect(env.DATABASE_OWNER_URL);
        out.push(await checkMigrations(owner, journal));
      } catch (err) {
        out.push(line(AREA, 'fail', `cannot connect with DATABASE_OWNER_URL (${redact(env.DATABASE_OWNER_URL)}): ${errorText(err)}`, 'check DATABASE_OWNER_URL'));
      } finally {
        await owner?.end().catch(() => undefined);
      }
    } else {
      out.push(await checkMigrations(client, journal));
    }
    out.push(...(await checkRoles(client)));
  } catch (err) {
    out.push(line(AREA, 'fail', `check failed on ${where}: ${errorText(err)}`));
  } finally {
    await client.end().catch(() => undefined);
  }
  return out;
}
