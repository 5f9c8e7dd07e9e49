import { and, eq } from 'drizzle-orm';
import { asanaConnections, asanaTaskLinks, integrationOutbox } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { deleteTask } from '@/lib/tasks/tasks';

// Disconnecting with "delete" (lib/integrations/disconnect.ts): the tasks Asana brought in go, tasks made in Reflex
// stay (only their link to Asana goes), and so does everything the connection kept: its project choice, webhook
// secret, links, replay log and queued pushes. Runs in the disconnect's transaction; nothing is sent to Asana.
export async function deleteAsanaContent(tx: Tx, connectionId: string): Promise<number> {
  const imported = await tx
    .select({ taskId: asanaTaskLinks.taskId })
    .from(asanaTaskLinks)
    .where(and(eq(asanaTaskLinks.connectionId, connectionId), eq(asanaTaskLinks.origin, 'asana')));
  for (const { taskId } of imported) await deleteTask(tx, taskId, { syncOrigin: connectionId });
  await tx.delete(integrationOutbox).where(eq(integrationOutbox.connectionId, connectionId));
  await tx.delete(asanaConnections).where(eq(asanaConnections.connectionId, connectionId));
  return imported.length;
}
