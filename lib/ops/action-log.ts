import { desc } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { platformOperatorActions } from '@/lib/db/schema';

// Platform-wide operator actions (incidents, maintenance, infrastructure costs, operator grants). Append-only for the
// app (drizzle/*_economics_custom.sql grants SELECT and INSERT only). Actions on one organization are written to
// that organization's own audit log instead (lib/ops/tenant-actions.ts).

export interface OperatorActor {
  /** The operator's address, or 'cli' for `npm run admin`. */
  label: string;
}

export interface OperatorAction {
  id: string;
  at: string;
  actor: string;
  action: string;
  summary: string;
  metadata: Record<string, string | number | boolean | null>;
}

export async function recordOperatorAction(
  actor: OperatorActor,
  input: { action: string; summary: string; metadata?: Record<string, string | number | boolean | null> },
): Promise<void> {
  const db = await getDb();
  await db.insert(platformOperatorActions).values({ actor: actor.label, action: input.action, summary: input.summary.slice(0, 500), metadata: input.metadata ?? {} });
}

export async function listOperatorActions(limit = 50): Promise<OperatorAction[]> {
  const db = await getDb();
  const rows = await db.select().from(platformOperatorActions).orderBy(desc(platformOperatorActions.at), desc(platformOperatorActions.id)).limit(limit);
  return rows.map((r) => ({ id: r.id, at: r.at.toISOString(), actor: r.actor, action: r.action, summary: r.summary, metadata: r.metadata }));
}
