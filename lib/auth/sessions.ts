import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/lib/db/client';
import { session } from '@/lib/db/schema';

export const sessionSchema = z
  .object({
    id: z.uuid(),
    current: z.boolean(),
    createdAt: z.iso.datetime(),
    lastActiveAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    ipAddress: z.string().nullable(),
    userAgent: z.string().nullable(),
  })
  .meta({ id: 'Session' });

/** The signed-in user's browser sessions (platform path: better-auth's session table, as app_auth). */
export async function listUserSessions(userId: string, currentSessionId: string): Promise<{ items: z.infer<typeof sessionSchema>[] }> {
  const db = await getDb();
  const rows = await db.select().from(session).where(eq(session.userId, userId)).orderBy(desc(session.createdAt)).limit(100);
  return {
    items: rows.map((r) => ({
      id: r.id,
      current: r.id === currentSessionId,
      createdAt: r.createdAt.toISOString(),
      lastActiveAt: (r.lastActiveAt ?? r.createdAt).toISOString(),
      expiresAt: r.expiresAt.toISOString(),
      ipAddress: r.ipAddress,
      userAgent: r.userAgent,
    })),
  };
}
