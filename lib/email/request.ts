import { emailRequested } from '@/lib/events/email';
import { sendEvent } from '@/lib/events/send';
import type { Tx } from '@/lib/db/types';
import { logger } from '@/lib/log';
import { seal } from './crypto';
import { recordAccountEmail, recordGivenUp, recordTenantEmail, type DeliveryRef } from './deliveries';
import { emailMessageSchema, type EmailMessage } from './messages';

// Domain code asks for an email here; nothing in a request waits for SMTP. The delivery is recorded first (status
// queued), then an event hands the sealed message to email/send-email, which sends it with retries and records
// each attempt.

export interface QueuedEmail {
  ref: DeliveryRef;
  sealed: string;
}

async function dispatch(queued: QueuedEmail): Promise<void> {
  try {
    await sendEvent(emailRequested, { deliveryId: queued.ref.id, tenantId: queued.ref.tenantId, sealed: queued.sealed }, { id: `email-${queued.ref.id}` });
  } catch (err) {
    // The request that asked goes on (an invitation is created, a sign-up completes); the record says why no
    // email came, and the person can ask again (resend).
    const error = `could not be queued: ${err instanceof Error ? err.message : String(err)}`;
    logger.error('email could not be queued', { deliveryId: queued.ref.id, error });
    await recordGivenUp(queued.ref, error).catch(() => undefined);
  }
}

/** An email about an account (verify, reset, change of address): recorded on the platform path and sent. */
export async function requestAccountEmail(message: EmailMessage): Promise<void> {
  const parsed = emailMessageSchema.parse(message);
  const id = await recordAccountEmail(parsed.template, parsed.to);
  await dispatch({ ref: { tenantId: null, id }, sealed: seal(parsed) });
}

/**
 * An email on behalf of a tenant, recorded inside the caller's tenant transaction. The returned email must be
 * sent with sendQueuedEmail once that transaction has committed (the function looks the record up).
 */
export async function queueTenantEmail(tx: Tx, tenantId: string, message: EmailMessage, links: { invitationId?: string } = {}): Promise<QueuedEmail> {
  const parsed = emailMessageSchema.parse(message);
  const id = await recordTenantEmail(tx, { tenantId, template: parsed.template, to: parsed.to, invitationId: links.invitationId });
  return { ref: { tenantId, id }, sealed: seal(parsed) };
}

/** Never throws: a failure to queue is logged and recorded on the delivery. */
export function sendQueuedEmail(queued: QueuedEmail): Promise<void> {
  return dispatch(queued);
}
