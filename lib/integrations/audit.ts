import { recordAuditEvent, type AuditEventInput } from '@/lib/audit/record';
import type { Tx } from '@/lib/db/types';

type Actor = AuditEventInput['actor'];

// What the framework does on its own (a refresh that failed, a sync) is done by the integrations component.
export const INTEGRATIONS_ACTOR: Actor = { type: 'system', id: 'integrations', label: null };

// One audit entry about a connection; metadata holds ids, codes and counts only (it is hashed and never erasable).
export async function recordIntegrationEvent(
  tx: Tx,
  input: {
    action: string;
    outcome?: 'success' | 'denied' | 'failure';
    actor?: Actor;
    connectionId: string | null;
    provider: string;
    metadata?: Record<string, string | number | boolean | null>;
    requestId?: string | null;
  },
): Promise<void> {
  await recordAuditEvent(tx, {
    action: input.action,
    outcome: input.outcome ?? 'success',
    actor: input.actor ?? INTEGRATIONS_ACTOR,
    target: { type: 'integration', id: input.connectionId },
    requestId: input.requestId ?? null,
    metadata: { provider: input.provider, ...input.metadata },
  });
}
