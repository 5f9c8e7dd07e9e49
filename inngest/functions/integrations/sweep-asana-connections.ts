import { sql } from 'drizzle-orm';
import { inngest } from '@/inngest/client';
import { getDb } from '@/lib/db/client';
import { queryRows } from '@/lib/db/sql';
import { asanaSyncRequested } from '@/lib/events/integrations';

// The backstop behind webhooks (which Asana may stop delivering) and behind outbox events sent before their
// transaction committed: every connection with a project re-reads tasks modified since its last sweep and pushes
// whatever is still in its outbox.
export const sweepAsanaConnections = inngest.createFunction(
  { id: 'sweep-asana-connections', triggers: [{ cron: 'TZ=UTC */10 * * * *' }], retries: 2, concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const targets = await step.run('list-connections', async () =>
      queryRows<{ tenant_id: string; connection_id: string }>(await getDb(), sql`select tenant_id, connection_id from reflex_asana_sync_targets()`),
    );
    if (targets.length === 0) return { connections: 0 };
    const slot = new Date().toISOString().slice(0, 15);
    await step.sendEvent(
      'request-syncs',
      targets.map((t) => ({
        name: asanaSyncRequested.name,
        id: `asana-sweep-${t.connection_id}-${slot}`,
        data: { tenantId: t.tenant_id, connectionId: t.connection_id, taskGids: [], backstop: true },
      })),
    );
    return { connections: targets.length };
  },
);
