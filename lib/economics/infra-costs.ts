import { desc } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/lib/db/client';
import { platformInfraCosts } from '@/lib/db/schema';

export const setInfraCostSchema = z.strictObject({
  // The month the bill is for: YYYY-MM (the console's month input) or its first day.
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])(-01)?$/, 'Give a month as YYYY-MM')
    .transform((m) => (m.length === 7 ? `${m}-01` : m)),
  // Whole cents: a monthly bill of up to $10M.
  amountCents: z.number().int().min(0).max(1_000_000_000),
  note: z.string().trim().max(200).default(''),
});

export interface InfraCost {
  month: string;
  amountCents: number;
  note: string;
  updatedAt: string;
  updatedBy: string;
}

/** Enters (or corrects) a month's infrastructure bill; the last entry for a month wins. */
export async function setInfraCost(input: z.input<typeof setInfraCostSchema>, by: string): Promise<InfraCost> {
  const parsed = setInfraCostSchema.parse(input);
  const db = await getDb();
  const values = { month: parsed.month, amountCents: parsed.amountCents, note: parsed.note, updatedAt: new Date(), updatedBy: by };
  const [row] = await db
    .insert(platformInfraCosts)
    .values(values)
    .onConflictDoUpdate({ target: platformInfraCosts.month, set: { amountCents: values.amountCents, note: values.note, updatedAt: values.updatedAt, updatedBy: by } })
    .returning();
  if (!row) throw new Error('infrastructure cost upsert returned nothing');
  return { ...row, updatedAt: row.updatedAt.toISOString() };
}

export async function listInfraCosts(limit = 24): Promise<InfraCost[]> {
  const db = await getDb();
  const rows = await db.select().from(platformInfraCosts).orderBy(desc(platformInfraCosts.month)).limit(limit);
  return rows.map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() }));
}
