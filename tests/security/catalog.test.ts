import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/db/client';
import { queryRows } from '@/lib/db/sql';
import type { Database, Tx } from '@/lib/db/types';
import { closeOwnerDb, inScratchDatabase, onServerDatabase, ownerDb } from '../helpers/db';

// The catalog invariant (DESIGN.md "Tenancy and RLS"), read from pg_catalog rather than from our own list, so a
// table added by a later migration is held to the same rules without anyone touching this file.

type Conn = Database | Tx;

// The same rule reflex_secure_schema() uses to find tenant tables.
const TENANT_TABLES = sql`
  select c.oid, c.relname::text as relname, c.relrowsecurity, c.relforcerowsecurity,
         case when c.relname = 'tenants' then 'id' else 'tenant_id' end as tenant_column,
         coalesce(obj_description(c.oid, 'pg_class'), '') like '%reflex:append-only%' as append_only
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relkind in ('r', 'p')
    and (c.relname = 'tenants' or exists (
      select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped))`;

interface Finding {
  table: string;
  problem: string;
}

async function tenantTableFindings(db: Conn): Promise<Finding[]> {
  const rows = await queryRows<{ relname: string; problem: string }>(
    db,
    sql`
    with t as (${TENANT_TABLES}),
    pol as (
      select p.polrelid, p.polname, p.polcmd,
             pg_get_expr(p.polqual, p.polrelid) as using_expr,
             pg_get_expr(p.polwithcheck, p.polrelid) as check_expr,
             p.polroles
      from pg_policy p
    )
    select relname, 'row level security is not enabled' as problem from t where not relrowsecurity
    union all
    select relname, 'row level security is not forced (the owner would bypass it)' from t where not relforcerowsecurity
    union all
    select relname, 'has no policy for app_user (nothing would be reachable, or a later policy could be anything)' from t
      where not exists (select 1 from pol where pol.polrelid = t.oid and (select oid from pg_roles where rolname = 'app_user') = any(pol.polroles))
    union all
    select t.relname, 'policy ' || pol.polname || ' does not compare with app.tenant_id in USING' from t join pol on pol.polrelid = t.oid
      where pol.polcmd <> 'a' and coalesce(pol.using_expr, '') not like '%app.tenant_id%'
    union all
    select t.relname, 'policy ' || pol.polname || ' does not compare with app.tenant_id in WITH CHECK' from t join pol on pol.polrelid = t.oid
      where pol.polcmd in ('a', 'w', '*') and coalesce(pol.check_expr, pol.using_expr, '') not like '%app.tenant_id%'
    union all
    select relname, 'has no index that leads with ' || tenant_column from t
      where not exists (
        select 1 from pg_index i
        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
        where i.indrelid = t.oid and a.attname = t.tenant_column)
    union all
    select relname, 'is append-only but app_user may ' || p.priv from t
      cross join (values ('UPDATE'), ('DELETE'), ('TRUNCATE')) as p(priv)
      where append_only and has_table_privilege('app_user', t.oid, p.priv)
    union all
    select relname, 'is append-only but app_user may not ' || p.priv from t
      cross join (values ('SELECT'), ('INSERT')) as p(priv)
      where append_only and not has_table_privilege('app_user', t.oid, p.priv)
    order by 1, 2`,
  );
  return rows.map((r) => ({ table: r.relname, problem: r.problem }));
}

// Any table app_user can touch at all must be fenced by forced RLS, and TRUNCATE (which RLS does not filter) and
// TRIGGER are never granted.
async function appUserReachFindings(db: Conn): Promise<Finding[]> {
  const rows = await queryRows<{ relname: string; problem: string }>(
    db,
    sql`
    select c.relname::text as relname,
           case when p.priv in ('TRUNCATE', 'TRIGGER') then 'app_user holds ' || p.priv
                else 'app_user may ' || p.priv || ' although row level security is not enabled and forced' end as problem
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    cross join (values ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'), ('TRIGGER'), ('REFERENCES')) as p(priv)
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f')
      and has_table_privilege('app_user', c.oid, p.priv)
      and (p.priv in ('TRUNCATE', 'TRIGGER') or not (c.relrowsecurity and c.relforcerowsecurity))
    order by 1, 2`,
  );
  return rows.map((r) => ({ table: r.relname, problem: r.problem }));
}

const format = (findings: Finding[]) => findings.map((f) => `${f.table}: ${f.problem}`).join('\n');

afterAll(closeOwnerDb);

describe('catalog invariant', () => {
  it('finds the tenant tables (the discovery query itself works)', async () => {
    const rows = await queryRows<{ relname: string }>(await ownerDb(), TENANT_TABLES);
    const names = rows.map((r) => r.relname);
    for (const t of ['tenants', 'roles', 'memberships', 'invitations', 'api_keys']) expect(names).toContain(t);
  });

  it('every tenant table has RLS enabled and forced, a tenant_id policy for app_user and a tenant-leading index', async () => {
    const findings = await tenantTableFindings(await ownerDb());
    expect(findings, format(findings)).toEqual([]);
  });

  it('app_user reaches no table that is not fenced by forced RLS, and never holds TRUNCATE or TRIGGER', async () => {
    const findings = await appUserReachFindings(await ownerDb());
    expect(findings, format(findings)).toEqual([]);
  });

  it('app_user and app_auth are plain roles: no superuser, no BYPASSRLS, no login, no membership in a stronger role', async () => {
    const roles = await queryRows<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean; rolcreaterole: boolean; rolcreatedb: boolean }>(
      await ownerDb(),
      sql`select rolname::text, rolsuper, rolbypassrls, rolcanlogin, rolcreaterole, rolcreatedb from pg_roles where rolname in ('app_user', 'app_auth') order by rolname`,
    );
    expect(roles).toEqual([
      { rolname: 'app_auth', rolsuper: false, rolbypassrls: false, rolcanlogin: false, rolcreaterole: false, rolcreatedb: false },
      { rolname: 'app_user', rolsuper: false, rolbypassrls: false, rolcanlogin: false, rolcreaterole: false, rolcreatedb: false },
    ]);
    const inherited = await queryRows<{ member: string; granted: string }>(
      await ownerDb(),
      sql`
      with recursive up(member, roleid) as (
        select r.rolname::text, m.roleid from pg_roles r join pg_auth_members m on m.member = r.oid where r.rolname in ('app_user', 'app_auth')
        union
        select up.member, m.roleid from up join pg_auth_members m on m.member = up.roleid
      )
      select up.member, g.rolname::text as granted from up join pg_roles g on g.oid = up.roleid
      where g.rolsuper or g.rolbypassrls`,
    );
    expect(inherited).toEqual([]);
  });

  it('app_user and app_auth own nothing in this database', async () => {
    const owned = await queryRows<{ owner: string; kind: string; name: string }>(
      await ownerDb(),
      sql`
      select r.rolname::text as owner, 'relation' as kind, c.relname::text as name
        from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname in ('app_user', 'app_auth')
      union all
      select r.rolname::text, 'function', p.proname::text
        from pg_proc p join pg_roles r on r.oid = p.proowner where r.rolname in ('app_user', 'app_auth')
      union all
      select r.rolname::text, 'schema', n.nspname::text
        from pg_namespace n join pg_roles r on r.oid = n.nspowner where r.rolname in ('app_user', 'app_auth')`,
    );
    expect(owned).toEqual([]);
  });

  it('SECURITY DEFINER functions pin their search_path and are not executable by PUBLIC', async () => {
    const loose = await queryRows<{ name: string; problem: string }>(
      await ownerDb(),
      sql`
      select p.proname::text as name, 'search_path is not pinned' as problem
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.prosecdef
          and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')
      union all
      select p.proname::text, 'PUBLIC may execute it'
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.prosecdef
          and (p.proacl is null or exists (select 1 from aclexplode(p.proacl) a where a.grantee = 0 and a.privilege_type = 'EXECUTE'))`,
    );
    expect(loose).toEqual([]);
  });

  it('the application itself connects as a role without superuser or BYPASSRLS that inherits nothing (real PostgreSQL)', async () => {
    if (!onServerDatabase()) {
      // PGlite has a single superuser connection by design; every tenant transaction switches to app_user.
      console.log('[catalog] login-role check skipped: embedded PGlite always connects as its superuser (runs with TEST_DATABASE_URL)');
      return;
    }
    const [me] = await queryRows<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean; rolinherit: boolean; owns: number }>(
      await getDb(),
      sql`select r.rolname::text, r.rolsuper, r.rolbypassrls, r.rolinherit,
                 (select count(*)::int from pg_class c where c.relowner = r.oid) as owns
          from pg_roles r where r.rolname = session_user`,
    );
    expect(me).toMatchObject({ rolsuper: false, rolbypassrls: false, rolinherit: false, owns: 0 });
  });
});

describe('reflex_secure_schema() secures tables added later', () => {
  it('forces RLS and grants DML on a new tenant table, SELECT and INSERT only on an append-only one, and the invariant flags a missing policy', async () => {
    const result = await inScratchDatabase(async (tx) => {
      await tx.execute(sql`create table reflex_probe_things (tenant_id uuid not null references tenants(id), id uuid primary key, note text)`);
      await tx.execute(sql`create index reflex_probe_things_tenant_idx on reflex_probe_things (tenant_id)`);
      await tx.execute(sql`create table reflex_probe_ledger (tenant_id uuid not null references tenants(id), id uuid primary key)`);
      await tx.execute(sql`create index reflex_probe_ledger_tenant_idx on reflex_probe_ledger (tenant_id)`);
      await tx.execute(sql`comment on table reflex_probe_ledger is 'reflex:append-only — probe'`);
      await tx.execute(sql`select reflex_secure_schema()`);
      const tables = await queryRows<{ relname: string; rls: boolean; forced: boolean; sel: boolean; ins: boolean; upd: boolean; del: boolean; trunc: boolean }>(
        tx,
        sql`select relname::text, relrowsecurity as rls, relforcerowsecurity as forced,
                   has_table_privilege('app_user', oid, 'SELECT') as sel, has_table_privilege('app_user', oid, 'INSERT') as ins,
                   has_table_privilege('app_user', oid, 'UPDATE') as upd, has_table_privilege('app_user', oid, 'DELETE') as del,
                   has_table_privilege('app_user', oid, 'TRUNCATE') as trunc
            from pg_class where relname in ('reflex_probe_things', 'reflex_probe_ledger') order by relname`,
      );
      const findings = (await tenantTableFindings(tx)).filter((f) => f.table.startsWith('reflex_probe_'));
      return { tables, findings };
    });
    expect(result.tables).toEqual([
      { relname: 'reflex_probe_ledger', rls: true, forced: true, sel: true, ins: true, upd: false, del: false, trunc: false },
      { relname: 'reflex_probe_things', rls: true, forced: true, sel: true, ins: true, upd: true, del: true, trunc: false },
    ]);
    // Neither probe table has a policy: forced RLS without one denies everything, and the invariant says so.
    expect(result.findings.map((f) => f.table)).toEqual(['reflex_probe_ledger', 'reflex_probe_things']);
    expect(result.findings.every((f) => f.problem.startsWith('has no policy'))).toBe(true);
  });
});
