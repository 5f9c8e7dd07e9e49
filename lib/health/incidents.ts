import { and, desc, eq, gte, or, sql } from 'drizzle-orm';
import { raisePlatformAlert } from '@/lib/alerts/raise';
import { z } from 'zod';
import { getDb } from '@/lib/db/client';
import { INCIDENT_KINDS, INCIDENT_STATUSES, platformIncidents } from '@/lib/db/schema';
import type { Database } from '@/lib/db/types';

export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const incidentSchema = z
  .object({
    id: z.string(),
    component: z.string(),
    kind: z.enum(INCIDENT_KINDS),
    status: z.enum(INCIDENT_STATUSES),
    title: z.string(),
    detail: z.string(),
    startedAt: z.iso.datetime(),
    resolvedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Incident' });
export type Incident = z.infer<typeof incidentSchema>;

// Incidents are public (/status): component, title and detail must be platform-level words, never a tenant's
// name, id or data. The schema caps lengths so a caller cannot paste a stack trace onto the status page.
export const recordIncidentSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('open'),
    component: z.string().min(1).max(64),
    kind: z.enum(INCIDENT_KINDS).default('manual'),
    title: z.string().min(1).max(140),
    detail: z.string().max(500).default(''),
    startedAt: z.date().optional(),
  }),
  z.object({
    state: z.literal('resolved'),
    component: z.string().min(1).max(64),
    kind: z.enum(INCIDENT_KINDS).default('manual'),
    resolvedAt: z.date().optional(),
  }),
]);
export type RecordIncidentInput = z.input<typeof recordIncidentSchema>;

type Row = typeof platformIncidents.$inferSelect;

function toIncident(row: Row): Incident {
  return {
    id: row.id,
    component: row.component,
    kind: row.kind,
    status: row.status,
    title: row.title,
    detail: row.detail,
    startedAt: row.startedAt.toISOString(),
    resolvedAt: row.resolvedAt ? row.resolvedAt.toISOString() : null,
  };
}

const openFor = (component: string, kind: IncidentKind) =>
  and(eq(platformIncidents.component, component), eq(platformIncidents.kind, kind), eq(platformIncidents.status, 'open'));

// Operators hear about each incident once when it opens and once when it resolves (ALERT_SLACK_WEBHOOK_URL);
// raisePlatformAlert only queues an event and never throws.
async function alertOperators(row: Row, state: 'open' | 'resolved'): Promise<void> {
  await raisePlatformAlert(
    {
      key: `incident:${row.id}:${state}`,
      title: state === 'open' ? `Incident: ${row.title}` : `Resolved: ${row.title}`,
      text: state === 'open' ? row.detail || `${row.component} (${row.kind})` : `${row.component} (${row.kind}) is back to normal.`,
      severity: state === 'open' ? 'critical' : 'info',
      incident: { key: `incident:${row.id}`, action: state === 'open' ? 'trigger' : 'resolve' },
    },
    { id: `incident-${row.id}-${state}` },
  );
}

// Opens an incident, or returns the one already open for this component and kind (several instances notice
// the same outage; the partial unique index makes that a no-op), or resolves the open one.
// Platform path: it uses its own database connection, so never call it from inside a withTenant transaction on
// the embedded database (one connection: it would wait forever). Returns null when there was nothing to resolve.
export async function recordIncident(input: RecordIncidentInput, db?: Database): Promise<Incident | null> {
  const parsed = recordIncidentSchema.parse(input);
  const conn = db ?? (await getDb());
  if (parsed.state === 'resolved') {
    const [row] = await conn
      .update(platformIncidents)
      .set({ status: 'resolved', resolvedAt: parsed.resolvedAt ?? new Date(), updatedAt: new Date() })
      .where(openFor(parsed.component, parsed.kind))
      .returning();
    if (!row) return null;
    await alertOperators(row, 'resolved');
    return toIncident(row);
  }
  const [inserted] = await conn
    .insert(platformIncidents)
    .values({
      component: parsed.component,
      kind: parsed.kind,
      title: parsed.title,
      detail: parsed.detail,
      startedAt: parsed.startedAt ?? new Date(),
    })
    .onConflictDoNothing({ target: [platformIncidents.component, platformIncidents.kind], where: sql`status = 'open'` })
    .returning();
  if (inserted) {
    await alertOperators(inserted, 'open');
    return toIncident(inserted);
  }
  const [existing] = await conn.select().from(platformIncidents).where(openFor(parsed.component, parsed.kind)).limit(1);
  return existing ? toIncident(existing) : null;
}

// An outage that began and ended while the database itself was unreachable, written once it is back.
export async function recordPastIncident(
  input: { component: string; kind: IncidentKind; title: string; detail: string; startedAt: Date; resolvedAt: Date | null },
  db?: Database,
): Promise<Incident> {
  const conn = db ?? (await getDb());
  if (input.resolvedAt === null) {
    const opened = await recordIncident({ state: 'open', ...input }, conn);
    if (!opened) throw new Error('incident could not be opened');
    return opened;
  }
  const [row] = await conn
    .insert(platformIncidents)
    .values({ ...input, status: 'resolved', resolvedAt: input.resolvedAt })
    .returning();
  if (!row) throw new Error('incident insert returned nothing');
  return toIncident(row);
}

// Resolves every open dependency incident of these components: a fresh instance that finds them healthy
// closes what an instance that went away left open.
export async function resolveStaleDependencyIncidents(components: readonly string[], db?: Database): Promise<number> {
  if (components.length === 0) return 0;
  const conn = db ?? (await getDb());
  const rows = await conn
    .update(platformIncidents)
    .set({ status: 'resolved', resolvedAt: new Date(), updatedAt: new Date() })
    .where(
      and(
        eq(platformIncidents.kind, 'dependency_down'),
        eq(platformIncidents.status, 'open'),
        or(...components.map((c) => eq(platformIncidents.component, c))),
      ),
    )
    .returning({ id: platformIncidents.id });
  return rows.length;
}

// Open incidents, and those started within the window, newest first.
export async function listRecentIncidents(opts: { days?: number; limit?: number } = {}, db?: Database): Promise<Incident[]> {
  const conn = db ?? (await getDb());
  const since = new Date(Date.now() - (opts.days ?? 14) * 86_400_000);
  const rows = await conn
    .select()
    .from(platformIncidents)
    .where(or(eq(platformIncidents.status, 'open'), gte(platformIncidents.startedAt, since)))
    .orderBy(desc(platformIncidents.startedAt))
    .limit(opts.limit ?? 20);
  return rows.map(toIncident);
}

// An operator rewording an incident while it is open (what is known, what is being done). Resolved incidents are
// history and stay as they were. Returns null when no open incident has this id.
export async function updateIncidentText(id: string, input: { title: string; detail: string }, db?: Database): Promise<Incident | null> {
  const conn = db ?? (await getDb());
  const [row] = await conn
    .update(platformIncidents)
    .set({ title: input.title, detail: input.detail, updatedAt: new Date() })
    .where(and(eq(platformIncidents.id, id), eq(platformIncidents.status, 'open')))
    .returning();
  return row ? toIncident(row) : null;
}
