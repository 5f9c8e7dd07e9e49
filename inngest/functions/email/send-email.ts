import { inngest } from '@/inngest/client';
import { deliverEmail, markEmailFailed } from '@/lib/email/deliver';
import { emailRequested } from '@/lib/events/email';
import { logger } from '@/lib/log';

const RETRIES = 5;

// Delivers every email the app sends (lib/email/request.ts queues them), so a slow or failing SMTP server never
// holds a request. One step: a failed send is retried by Inngest with backoff; each attempt is recorded on the
// delivery, and onFailure marks it failed after the last one. The step returns a status only: the message, its
// link and its recipient stay sealed in the event.
export const sendEmail = inngest.createFunction(
  {
    id: 'send-email',
    name: 'Send an email',
    triggers: [emailRequested],
    retries: RETRIES,
    onFailure: async ({ event, error, step }) => {
      const parsed = emailRequested.schema.safeParse(event.data.event.data);
      if (!parsed.success) {
        logger.error('send-email failed for an unreadable event', { error: error.message });
        return;
      }
      await step.run('mark-failed', () => markEmailFailed(parsed.data, error.message));
    },
  },
  async ({ event, step, attempt }) => {
    return step.run('deliver', () => deliverEmail(event.data, { number: attempt + 1, last: attempt >= RETRIES }));
  },
);
