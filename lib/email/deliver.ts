import type { EmailRequestedData } from '@/lib/events/email';
import { unseal } from './crypto';
import { getDelivery, recordAttempt, recordGivenUp, type DeliveryRef } from './deliveries';
import { emailMessageSchema } from './messages';
import { renderEmail } from './render';
import { sendMail } from './transport';

export type DeliveryOutcome = { status: 'sent' } | { status: 'already-sent' } | { status: 'not-found' };

const refOf = (data: EmailRequestedData): DeliveryRef => (data.tenantId ? { tenantId: data.tenantId, id: data.deliveryId } : { tenantId: null, id: data.deliveryId });

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * One delivery attempt (email/send-email runs it as a step, so a failure is retried): render, send, record. A
 * delivery already sent is not sent again, so a replayed event or a retry after the record write failed is
 * harmless; at worst a message whose record write failed goes out twice (at-least-once).
 */
export async function deliverEmail(data: EmailRequestedData, attempt: { number: number; last: boolean }): Promise<DeliveryOutcome> {
  const ref = refOf(data);
  const delivery = await getDelivery(ref);
  if (!delivery) return { status: 'not-found' };
  if (delivery.status === 'sent') return { status: 'already-sent' };
  const message = emailMessageSchema.parse(unseal(data.sealed));
  const rendered = await renderEmail(message);
  try {
    const { messageId } = await sendMail({ ...rendered, to: message.to, link: message.url });
    await recordAttempt(ref, { ok: true, messageId });
    return { status: 'sent' };
  } catch (err) {
    await recordAttempt(ref, { ok: false, error: messageOf(err), final: attempt.last });
    throw err;
  }
}

/** onFailure: the run gave up for good (including failures before a send was attempted). */
export function markEmailFailed(data: EmailRequestedData, error: string): Promise<void> {
  return recordGivenUp(refOf(data), error);
}
