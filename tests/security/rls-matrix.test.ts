import { randomBytes, randomUUID } from 'node:crypto';
import { SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser } from '@/lib/auth/users';
import { roles } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { reachEveryMember } from '@/lib/db/member-scope';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import {
  asAppUserWithoutTenant,
  attempt,
  closeOwnerDb,
  errorText,
  inTenantRolledBack,
  INSUFFICIENT_PRIVILEGE,
  listAppendOnlyTables,
  listTenantTables,
  sqlState,
  type Outcome,
} from '../helpers/db';
import { provision, uniqueEmail } from '../helpers/http';

// RLS matrix (DESIGN.md "Tests"): every tenant table × select/insert/update/delete × {own tenant, other tenant,
// no tenant}, straight against the database as app_user. Tables come from the catalog; a table without a
// fixture below fails the suite, so whoever adds a tenant table must add its row here.

interface Seeded {
  id: string;
  roles: Record<string, string>;
  ownerUserId: string;
  /** The committed row seeded into each table for this tenant (filled in fixture order). */
  rows: Record<string, string>;
}

interface Context {
  freshUserId(): string;
  /** 0, 1, 2, ... per scope, for columns that are unique per parent row. */
  next(scope: string): number;
}

type Value = SQL | string | number | boolean | null;

interface Fixture {
  /** The column holding the tenant id (tenant_id unless the table is keyed by it, like tenants). */
  tenantColumn?: string;
  /** The column that identifies a row (id unless told). */
  key?: string;
  /** At most one row per tenant (keyed by the tenant id): an insert must first remove the tenant's row. */
  onePerTenant?: boolean;
  /** Rows private to one member (user_id = app.user_id): every case acts as the tenant's owner, and the
   *  "another member" block below checks that nobody else in the tenant reaches them. */
  ownerScoped?: boolean;
  /** A valid new row owned by tenant t: it must insert cleanly inside t's own transaction. Seeded rows of
   *  fixtures listed earlier are in t.rows. */
  newRow(t: Seeded, ctx: Context): Record<string, Value>;
  /** A valid change to a row of tenant t. */
  update(t: Seeded): Record<string, Value>;
}

const short = () => randomUUID().slice(0, 8);
const textArray = (values: string[]): SQL => sql`${`{${values.map((v) => `"${v}"`).join(',')}}`}::text[]`;
const parent = (t: Seeded, table: string): string => {
  const id = t.rows[table];
  if (!id) throw new Error(`fixture needs a seeded ${table} row: list ${table} earlier in FIXTURES`);
  return id;
};

// Order matters: a fixture may use the seeded rows of the fixtures above it.
const FIXTURES: Record<string, Fixture> = {
  tenants: {
    tenantColumn: 'id',
    onePerTenant: true,
    newRow: (t) => ({ id: t.id, name: 'Matrix org', slug: `matrix-${short()}` }),
    update: () => ({ name: 'Renamed org' }),
  },
  roles: {
    newRow: (t) => ({ tenant_id: t.id, key: `custom-matrix-${short()}`, name: 'Matrix role', permissions: textArray(['members:read']) }),
    update: () => ({ name: 'Renamed role' }),
  },
  memberships: {
    newRow: (t, ctx) => ({ tenant_id: t.id, user_id: ctx.freshUserId(), role_id: t.roles.viewer ?? null }),
    update: (t) => ({ role_id: t.roles.member ?? null }),
  },
  invitations: {
    newRow: (t) => ({
      tenant_id: t.id,
      email: uniqueEmail('matrix'),
      role_id: t.roles.viewer ?? null,
      token_hash: randomBytes(32).toString('hex'),
      expires_at: sql`now() + interval '1 day'`,
    }),
    update: () => ({ email: uniqueEmail('changed') }),
  },
  email_deliveries: {
    newRow: (t) => ({
      tenant_id: t.id,
      template: 'invitation',
      recipient_hash: randomBytes(32).toString('hex'),
      invitation_id: parent(t, 'invitations'),
    }),
    update: () => ({ status: 'sent', attempts: 1 }),
  },
  api_keys: {
    newRow: (t) => ({
      tenant_id: t.id,
      name: 'Matrix key',
      prefix: 'rfx_matrix00',
      key_hash: randomBytes(32).toString('hex'),
      scopes: textArray(['members:read']),
      created_by: t.ownerUserId,
    }),
    update: () => ({ name: 'Renamed key' }),
  },
  documents: {
    newRow: (t) => ({
      tenant_id: t.id,
      title: 'Matrix document',
      kind: 'text',
      mime: 'text/plain',
      size_bytes: 5,
      checksum: randomBytes(32).toString('hex'),
    }),
    update: () => ({ title: 'Renamed document' }),
  },
  document_steps: {
    newRow: (t, ctx) => ({
      tenant_id: t.id,
      document_id: parent(t, 'documents'),
      step: ['extract', 'chunk', 'embed', 'classify', 'verify', 'summarize'][ctx.next(`steps:${t.id}`)] ?? 'summarize',
      status: 'running',
    }),
    update: () => ({ status: 'done' }),
  },
  document_chunks: {
    newRow: (t, ctx) => ({ tenant_id: t.id, document_id: parent(t, 'documents'), ord: ctx.next(`chunks:${t.id}`), text: 'hello', char_start: 0, char_end: 5 }),
    update: () => ({ text: 'changed' }),
  },
  ai_usage: {
    newRow: (t) => ({ tenant_id: t.id, operation: 'embed', provider: 'offline', model: 'matrix', outcome: 'ok' }),
    update: () => ({ model: 'changed' }),
  },
  tenant_request_counts: {
    // Keyed by (tenant_id, day): every row takes a day no other row has, so a day names one row.
    key: 'day',
    newRow: (t, ctx) => ({ tenant_id: t.id, day: new Date(Date.UTC(2100, 0, 1 + ctx.next('request-days'))).toISOString().slice(0, 10), requests: 1 }),
    update: () => ({ requests: 2 }),
  },
  audit_log: {
    newRow: (t, ctx) => ({
      tenant_id: t.id,
      id: randomUUID(),
      seq: 1 + ctx.next(`audit:${t.id}`),
      occurred_at: sql`now()`,
      actor_type: 'system',
      action: 'matrix.test',
      outcome: 'success',
      personal_digest: 'digest',
      prev_hash: 'prev',
      hash: randomBytes(16).toString('hex'),
    }),
    update: () => ({ action: 'changed' }),
  },
  audit_heads: {
    key: 'tenant_id',
    onePerTenant: true,
    newRow: (t) => ({ tenant_id: t.id, hash: 'genesis', ref_key: randomBytes(16).toString('hex') }),
    update: () => ({ seq: 1 }),
  },
  board_columns: {
    newRow: (t, ctx) => ({ tenant_id: t.id, key: `matrix_${short()}`, name: 'Matrix column', position: 100 + ctx.next(`columns:${t.id}`) }),
    update: () => ({ name: 'Renamed column' }),
  },
  tasks: {
    newRow: (t) => ({ tenant_id: t.id, title: 'Matrix task', column_id: parent(t, 'board_columns'), rank: 'i' }),
    update: () => ({ title: 'Renamed task' }),
  },
  realtime_sequences: {
    key: 'tenant_id',
    onePerTenant: true,
    newRow: (t) => ({ tenant_id: t.id, last_seq: 0 }),
    update: () => ({ last_seq: 5 }),
  },
  realtime_events: {
    // seq is only unique per tenant; a global counter keeps the matrix's "where seq = …" unambiguous.
    key: 'seq',
    newRow: (t, ctx) => ({ tenant_id: t.id, seq: 1_000_000 + ctx.next('realtime_events'), type: 'matrix.test', payload: sql`'{}'::jsonb` }),
    update: () => ({ type: 'matrix.changed' }),
  },
  assistant_conversations: {
    ownerScoped: true,
    newRow: (t) => ({ tenant_id: t.id, user_id: t.ownerUserId, title: 'Matrix conversation' }),
    update: () => ({ title: 'Renamed conversation' }),
  },
  assistant_turns: {
    ownerScoped: true,
    newRow: (t, ctx) => ({
      tenant_id: t.id,
      conversation_id: parent(t, 'assistant_conversations'),
      user_id: t.ownerUserId,
      ord: ctx.next(`turns:${t.id}`),
      question: 'Matrix question?',
      search_query: 'Matrix question?',
    }),
    update: () => ({ answer: 'Changed answer' }),
  },
  privacy_exports: {
    newRow: (t) => ({ tenant_id: t.id, scope: 'me', requested_by: t.ownerUserId, sections_total: 6, expires_at: sql`now() + interval '7 days'` }),
    update: () => ({ status: 'building' }),
  },
  billing_accounts: {
    key: 'tenant_id',
    onePerTenant: true,
    newRow: (t) => ({ tenant_id: t.id }),
    update: () => ({ status: 'past_due' }),
  },
  billing_invoices: {
    // One manual invoice per month: each new row takes a month of its own.
    newRow: (t, ctx) => ({
      tenant_id: t.id,
      period_start: `${2000 + ctx.next(`invoices:${t.id}`)}-01-01`,
      seats: 1,
      unit_price_cents: 5000,
      amount_cents: 5000,
      issued_at: sql`now()`,
      due_at: sql`now()`,
    }),
    update: () => ({ status: 'paid' }),
  },
  integration_connections: {
    newRow: (t, ctx) => ({
      tenant_id: t.id,
      provider: 'slack',
      external_account_id: `T${ctx.next('integration_connections')}-${short()}`,
      external_account_name: 'Matrix workspace',
      access_token_ciphertext: 'v1:k-matrix:AAAA',
    }),
    update: () => ({ external_account_name: 'Renamed workspace' }),
  },
  integration_oauth_states: {
    newRow: (t) => ({
      tenant_id: t.id,
      provider: 'asana',
      state_hash: randomBytes(32).toString('hex'),
      user_id: t.ownerUserId,
      redirect_uri: 'http://localhost:3000/api/integrations/asana/callback',
      expires_at: sql`now() + interval '10 minutes'`,
    }),
    update: () => ({ redirect_uri: 'http://localhost:3000/changed' }),
  },
  google_drive_states: {
    // One per connection (its primary key): an insert first removes the seeded connection's row.
    key: 'connection_id',
    onePerTenant: true,
    newRow: (t) => ({ tenant_id: t.id, connection_id: parent(t, 'integration_connections') }),
    update: () => ({ phase: 'changes' }),
  },
  google_drive_files: {
    newRow: (t, ctx) => ({
      tenant_id: t.id,
      connection_id: parent(t, 'integration_connections'),
      file_id: `matrix${ctx.next('google_drive_files')}${short()}`,
      name: 'Matrix file',
      mime_type: 'text/plain',
    }),
    update: () => ({ name: 'Renamed file' }),
  },
  asana_connections: {
    // One settings row per connection; the matrix's seeded connection is reused, so a tenant holds one here.
    key: 'tenant_id',
    onePerTenant: true,
    newRow: (t) => ({ tenant_id: t.id, connection_id: parent(t, 'integration_connections'), project_gid: '1' }),
    update: () => ({ project_name: 'Renamed project' }),
  },
  asana_task_links: {
    // One link per (connection, task), and the matrix seeds one task: a tenant holds one here.
    key: 'tenant_id',
    onePerTenant: true,
    newRow: (t) => ({ tenant_id: t.id, connection_id: parent(t, 'integration_connections'), task_id: parent(t, 'tasks'), asana_gid: `${Date.now()}${short()}` }),
    update: () => ({ asana_modified_at: sql`now()` }),
  },
  integration_outbox: {
    newRow: (t) => ({ tenant_id: t.id, connection_id: parent(t, 'integration_connections'), provider: 'asana', task_id: parent(t, 'tasks'), op: 'upsert' }),
    update: () => ({ attempts: 1 }),
  },
  task_field_changes: {
    newRow: (t) => ({ tenant_id: t.id, task_id: parent(t, 'tasks'), field: 'title', source: 'asana', losing_source: 'reflex' }),
    update: () => ({ field: 'description' }),
  },
  asana_webhook_deliveries: {
    key: 'body_hash',
    newRow: (t) => ({ tenant_id: t.id, connection_id: parent(t, 'integration_connections'), body_hash: randomBytes(16).toString('hex') }),
    update: () => ({ received_at: sql`now()` }),
  },
  scim_tokens: {
    newRow: (t) => ({ tenant_id: t.id, name: 'Matrix SCIM token', prefix: 'rfx_scim_matr', token_hash: randomBytes(32).toString('hex'), created_by: t.ownerUserId }),
    update: () => ({ name: 'Renamed SCIM token' }),
  },
  scim_groups: {
    newRow: (t) => ({ tenant_id: t.id, display_name: `Matrix group ${short()}`, role_id: t.roles.viewer ?? null }),
    update: () => ({ display_name: `Renamed group ${short()}` }),
  },
  scim_group_members: {
    // Keyed by (group, membership): each new row takes a member of the tenant not yet in the seeded group (the
    // owner first, then the seeded membership). Under another tenant's RLS the lookup finds nothing.
    key: 'membership_id',
    newRow: (t) => ({
      tenant_id: t.id,
      group_id: parent(t, 'scim_groups'),
      membership_id: sql`(select m.id from memberships m where m.tenant_id = ${t.id}
        and not exists (select 1 from scim_group_members g where g.membership_id = m.id and g.group_id = ${parent(t, 'scim_groups')})
        order by m.created_at, m.id limit 1)`,
    }),
    update: () => ({ created_at: sql`now()` }),
  },
  sso_connections: {
    newRow: (t) => ({ tenant_id: t.id, protocol: 'oidc', name: 'Matrix IdP', config: sql`'{}'::jsonb` }),
    update: () => ({ name: 'Renamed IdP' }),
  },
  sso_domains: {
    newRow: (t) => ({ tenant_id: t.id, domain: `matrix-${short()}.example.test`, verification_token: short() }),
    update: () => ({ enforce_sso: true }),
  },
  sso_login_states: {
    newRow: (t) => ({
      tenant_id: t.id,
      state_hash: randomBytes(16).toString('hex'),
      browser_hash: 'browser',
      connection_id: parent(t, 'sso_connections'),
      expires_at: sql`now() + interval '10 minutes'`,
    }),
    update: () => ({ used_at: sql`now()` }),
  },
  sso_assertions_seen: {
    key: 'assertion_id',
    newRow: (t) => ({ tenant_id: t.id, assertion_id: `_matrix-${randomUUID()}`, expires_at: sql`now() + interval '5 minutes'` }),
    update: () => ({ expires_at: sql`now() + interval '10 minutes'` }),
  },
  slack_user_links: {
    newRow: (t) => ({ tenant_id: t.id, team_id: 'TMATRIX', slack_user_id: `U${short()}`, user_id: t.ownerUserId }),
    update: () => ({ created_at: sql`now()` }),
  },
  slack_link_tokens: {
    newRow: (t) => ({ tenant_id: t.id, token_hash: randomBytes(32).toString('hex'), team_id: 'TMATRIX', slack_user_id: `U${short()}`, expires_at: sql`now() + interval '15 minutes'` }),
    update: () => ({ used_at: sql`now()` }),
  },
  slack_deliveries: {
    key: 'key',
    newRow: (t) => ({ tenant_id: t.id, kind: 'event', key: `Ev${short()}` }),
    update: () => ({ received_at: sql`now()` }),
  },
};

const toSql = (v: Value): SQL => (v instanceof SQL ? v : sql`${v}`);
const ident = (name: string) => sql.identifier(name);

const keyOf = (fixture: Fixture) => ident(fixture.key ?? 'id');

function insertStatement(table: string, fixture: Fixture, row: Record<string, Value>): SQL {
  const cols = Object.keys(row);
  return sql`insert into ${ident(table)} (${sql.join(cols.map(ident), sql`, `)})
    values (${sql.join(cols.map((c) => toSql(row[c] ?? null)), sql`, `)}) returning ${keyOf(fixture)} as id`;
}

function updateStatement(table: string, fixture: Fixture, set: Record<string, Value>, id: string): SQL {
  const assignments = Object.entries(set).map(([c, v]) => sql`${ident(c)} = ${toSql(v)}`);
  return sql`update ${ident(table)} set ${sql.join(assignments, sql`, `)} where ${keyOf(fixture)} = ${id} returning ${keyOf(fixture)} as id`;
}

const rows = (tx: Tx, q: SQL) => queryRows<{ id: string }>(tx, q);

function expectRlsViolation(outcome: Outcome<unknown>): void {
  expect(outcome.ok, 'the statement should have been refused').toBe(false);
  if (outcome.ok) return;
  expect(sqlState(outcome.error), errorText(outcome.error)).toBe(INSUFFICIENT_PRIVILEGE);
  expect(errorText(outcome.error)).toMatch(/row-level security/);
}

// With no tenant chosen the policy compares against NULL (nothing matches) on a fresh connection, or against ''
// once the connection has run a tenant transaction, which cannot be cast to uuid (22P02). Both fail closed.
function expectNothingReached(outcome: Outcome<{ id: string }[]>): void {
  if (outcome.ok) expect(outcome.value).toEqual([]);
  else expect(sqlState(outcome.error), errorText(outcome.error)).toBe('22P02');
}

function expectInsertRefusedWithoutTenant(outcome: Outcome<unknown>): void {
  expect(outcome.ok, 'an insert without a tenant should have been refused').toBe(false);
  if (outcome.ok) return;
  expect([INSUFFICIENT_PRIVILEGE, '22P02'], errorText(outcome.error)).toContain(sqlState(outcome.error));
}

const tables = await listTenantTables();
const appendOnly = new Set(await listAppendOnlyTables());
const covered = Object.keys(FIXTURES).filter((t) => tables.includes(t));

const userPool: string[] = [];
const counters = new Map<string, number>();
const ctx: Context = {
  freshUserId() {
    const id = userPool.pop();
    if (!id) throw new Error('user pool exhausted: create more users in beforeAll');
    return id;
  },
  next(scope) {
    const n = counters.get(scope) ?? 0;
    counters.set(scope, n + 1);
    return n;
  },
};

async function seedTenant(): Promise<Seeded> {
  const p = await provision();
  const found = await withTenant(p.tenantId, (tx) => tx.select({ id: roles.id, key: roles.key }).from(roles));
  const t: Seeded = { id: p.tenantId, roles: Object.fromEntries(found.map((r) => [r.key, r.id])), ownerUserId: p.owner.userId, rows: {} };
  for (const table of covered) {
    // Covered tables all have a fixture (filtered above).
    const fixture = FIXTURES[table] as Fixture;
    const col = ident(fixture.tenantColumn ?? 'tenant_id');
    const [row] = await withTenant(
      t.id,
      async (tx) => {
        // The application may already have created a tenant's single row (the tenant itself, say).
        const existing = fixture.onePerTenant ? await rows(tx, sql`select ${keyOf(fixture)} as id from ${ident(table)} where ${col} = ${t.id}`) : [];
        return existing.length ? existing : rows(tx, insertStatement(table, fixture, fixture.newRow(t, ctx)));
      },
      { userId: fixture.ownerScoped ? t.ownerUserId : null },
    );
    if (!row) throw new Error(`seeding ${table} returned no row`);
    t.rows[table] = row.id;
  }
  return t;
}

let a: Seeded;
let b: Seeded;

beforeAll(async () => {
  for (let i = 0; i < 12; i++) userPool.push((await ensureUser({ email: uniqueEmail('pool') })).id);
  a = await seedTenant();
  b = await seedTenant();
});

afterAll(closeOwnerDb);

it('has a fixture for exactly the tenant tables in the catalog', () => {
  expect(tables).toContain('tenants');
  const missing = tables.filter((t) => !FIXTURES[t]);
  expect(missing, `add these tables to FIXTURES in ${import.meta.filename}`).toEqual([]);
  const stale = Object.keys(FIXTURES).filter((t) => !tables.includes(t));
  expect(stale, 'these fixtures name tables that no longer exist').toEqual([]);
});

describe.each(covered)('%s', (table) => {
  // covered only lists tables that have a fixture.
  const fixture = FIXTURES[table] as Fixture;
  const tenantColumn = fixture.tenantColumn ?? 'tenant_id';
  const col = ident(tenantColumn);
  const key = keyOf(fixture);
  const mine = () => a.rows[table] ?? '';
  const updateMine = (t: Seeded) => updateStatement(table, fixture, fixture.update(t), mine());
  const deleteMine = () => sql`delete from ${ident(table)} where ${key} = ${mine()} returning ${key} as id`;
  const insertFor = (t: Seeded) => insertStatement(table, fixture, fixture.newRow(t, ctx));
  // A tenant's own identity: for rows private to a member, its owner (whose rows the fixtures create).
  const inTenant = <T,>(t: Seeded, fn: (tx: Tx) => Promise<T>) => inTenantRolledBack(t.id, fn, fixture.ownerScoped ? t.ownerUserId : undefined);

  describe('select', () => {
    it('own tenant sees its rows and nothing else', async () => {
      const [seen] = await inTenant(a, (tx) =>
        queryRows<{ mine: number; foreign: number }>(
          tx,
          sql`select count(*) filter (where ${key} = ${mine()})::int as mine, count(*) filter (where ${col} <> ${a.id})::int as foreign from ${ident(table)}`,
        ),
      );
      expect(seen).toEqual({ mine: 1, foreign: 0 });
    });

    it('other tenant sees none of them', async () => {
      const found = await inTenant(b, (tx) => rows(tx, sql`select ${key} as id from ${ident(table)} where ${key} = ${mine()} or ${col} = ${a.id}`));
      expect(found).toEqual([]);
    });

    it('no tenant sees nothing', async () => {
      expectNothingReached(await asAppUserWithoutTenant((tx) => attempt(rows(tx, sql`select ${key} as id from ${ident(table)}`))));
    });
  });

  describe('insert', () => {
    it('own tenant can insert its rows', async () => {
      const result = await inTenant(a, async (tx) => {
        // A tenant's single row (the tenant itself, say) can only be inserted once the existing one is gone.
        if (fixture.onePerTenant) await rows(tx, deleteMine());
        const inserted = await rows(tx, insertFor(a));
        const visible = await rows(tx, sql`select ${key} as id from ${ident(table)} where ${key} = ${inserted[0]?.id ?? null}`);
        return { inserted: inserted.length, visible: visible.length };
      });
      expect(result).toEqual({ inserted: 1, visible: 1 });
    });

    it('other tenant cannot insert a row carrying a foreign tenant id', async () => {
      expectRlsViolation(await inTenant(b, (tx) => attempt(rows(tx, insertFor(a)))));
    });

    it('no tenant cannot insert', async () => {
      expectInsertRefusedWithoutTenant(await asAppUserWithoutTenant((tx) => attempt(rows(tx, insertFor(a)))));
    });
  });

  if (appendOnly.has(table)) {
    // Append-only: app_user holds no UPDATE or DELETE at all, so every identity is refused before RLS applies.
    describe('update and delete (append-only)', () => {
      it.each([
        ['own tenant', (q: SQL) => inTenant(a, (tx) => attempt(rows(tx, q)))],
        ['other tenant', (q: SQL) => inTenant(b, (tx) => attempt(rows(tx, q)))],
        ['no tenant', (q: SQL) => asAppUserWithoutTenant((tx) => attempt(rows(tx, q)))],
      ])('%s can neither update nor delete', async (_who, run) => {
        for (const q of [updateMine(a), deleteMine()]) {
          const outcome = await run(q);
          expect(outcome.ok).toBe(false);
          if (!outcome.ok) {
            expect(sqlState(outcome.error), errorText(outcome.error)).toBe(INSUFFICIENT_PRIVILEGE);
            expect(errorText(outcome.error)).toMatch(/permission denied/);
          }
        }
      });
    });
  } else {
    describe('update', () => {
      it('own tenant can change its rows', async () => {
        const changed = await inTenant(a, (tx) => rows(tx, updateMine(a)));
        expect(changed).toEqual([{ id: mine() }]);
      });

      it('own tenant cannot move a row into another tenant', async () => {
        const move = updateStatement(table, fixture, { [tenantColumn]: b.id }, mine());
        expectRlsViolation(await inTenant(a, (tx) => attempt(rows(tx, move))));
      });

      it('other tenant changes none of them', async () => {
        expect(await inTenant(b, (tx) => rows(tx, updateMine(b)))).toEqual([]);
      });

      it('no tenant changes nothing', async () => {
        expectNothingReached(await asAppUserWithoutTenant((tx) => attempt(rows(tx, updateMine(a)))));
      });
    });

    describe('delete', () => {
      it('own tenant can delete its rows', async () => {
        expect(await inTenant(a, (tx) => rows(tx, deleteMine()))).toEqual([{ id: mine() }]);
      });

      it('other tenant deletes none of them', async () => {
        const gone = await inTenant(b, (tx) => rows(tx, sql`delete from ${ident(table)} where ${key} = ${mine()} or ${col} = ${a.id} returning ${key} as id`));
        expect(gone).toEqual([]);
      });

      it('no tenant deletes nothing', async () => {
        expectNothingReached(await asAppUserWithoutTenant((tx) => attempt(rows(tx, sql`delete from ${ident(table)} returning ${key} as id`))));
      });
    });
  }

  it("still holds tenant A's row after every attempt (the cases above rolled back or were refused)", async () => {
    const still = await withTenant(a.id, (tx) => rows(tx, sql`select ${key} as id from ${ident(table)} where ${key} = ${mine()}`), {
      userId: fixture.ownerScoped ? a.ownerUserId : null,
    });
    expect(still).toEqual([{ id: mine() }]);
  });
});

// Rows private to one member: within the very same tenant, another member reaches none of them, unless the
// transaction says it acts for every member (lib/db/member-scope.ts, used by privacy exports and erasure only).
describe.each(covered.filter((t) => FIXTURES[t]?.ownerScoped))('%s, between members of one tenant', (table) => {
  const fixture = FIXTURES[table] as Fixture;
  const key = keyOf(fixture);
  const mine = () => a.rows[table] ?? '';
  let other: string;
  beforeAll(() => {
    other = ctx.freshUserId();
  });
  const asOther = <T,>(fn: (tx: Tx) => Promise<T>) => inTenantRolledBack(a.id, fn, other);

  it('another member sees, changes and deletes none of them', async () => {
    expect(await asOther((tx) => rows(tx, sql`select ${key} as id from ${ident(table)}`))).toEqual([]);
    expect(await asOther((tx) => rows(tx, updateStatement(table, fixture, fixture.update(a), mine())))).toEqual([]);
    expect(await asOther((tx) => rows(tx, sql`delete from ${ident(table)} where ${key} = ${mine()} returning ${key} as id`))).toEqual([]);
  });

  it("another member cannot write a row in the owner's name", async () => {
    expectRlsViolation(await asOther((tx) => attempt(rows(tx, insertStatement(table, fixture, fixture.newRow(a, ctx))))));
  });

  it('a transaction without a member sees nothing', async () => {
    expect(await inTenantRolledBack(a.id, (tx) => rows(tx, sql`select ${key} as id from ${ident(table)}`))).toEqual([]);
  });

  it('privacy work acting for every member reaches them, still only in its own tenant', async () => {
    const seen = await asOther(async (tx) => {
      await reachEveryMember(tx);
      return rows(tx, sql`select ${key} as id from ${ident(table)}`);
    });
    expect(seen.map((r) => r.id)).toContain(mine());
    const fromB = await inTenantRolledBack(b.id, async (tx) => {
      await reachEveryMember(tx);
      return rows(tx, sql`select ${key} as id from ${ident(table)} where ${key} = ${mine()}`);
    });
    expect(fromB).toEqual([]);
  });
});

// Not a tenant table, but app_user may read it (member lists show names and emails): only the people of the
// current tenant, and never write.
describe('user (platform table readable by app_user)', () => {
  const users = (tx: Tx) => rows(tx, sql`select id from "user" where id in (${a.ownerUserId}, ${b.ownerUserId})`);

  it("own tenant sees its own members' user rows only", async () => {
    expect(await inTenantRolledBack(a.id, users)).toEqual([{ id: a.ownerUserId }]);
  });

  it("other tenant does not see them", async () => {
    expect(await inTenantRolledBack(b.id, users)).toEqual([{ id: b.ownerUserId }]);
  });

  it('no tenant sees nothing', async () => {
    expectNothingReached(await asAppUserWithoutTenant((tx) => attempt(rows(tx, sql`select id from "user"`))));
  });

  it('app_user can neither insert, update nor delete users', async () => {
    for (const q of [
      sql`insert into "user" (name, email) values ('x', ${uniqueEmail('forged')}) returning id`,
      sql`update "user" set name = 'x' where id = ${a.ownerUserId} returning id`,
      sql`delete from "user" where id = ${a.ownerUserId} returning id`,
    ]) {
      const outcome = await inTenantRolledBack(a.id, (tx) => attempt(rows(tx, q)));
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(sqlState(outcome.error), errorText(outcome.error)).toBe(INSUFFICIENT_PRIVILEGE);
    }
  });
});
