import { z } from 'zod';

const base = { to: z.email(), brand: z.string().min(1).max(120) };
const link = z.url().max(4_000);

// Every email the app sends, with what its template needs. Checked again when the sealed message is opened.
export const emailMessageSchema = z.discriminatedUnion('template', [
  z.object({ template: z.literal('verify-email'), ...base, name: z.string().max(200), url: link }),
  z.object({ template: z.literal('reset-password'), ...base, name: z.string().max(200), url: link, expiresInMinutes: z.number().int().min(1) }),
  // Sent to the current address: confirming it sends a verification link to the new one.
  z.object({ template: z.literal('change-email'), ...base, name: z.string().max(200), newEmail: z.email(), url: link }),
  z.object({
    template: z.literal('invitation'),
    ...base,
    inviter: z.string().max(200).nullable(),
    role: z.string().max(200),
    url: link,
    expiresAt: z.iso.datetime(),
  }),
  // Dunning: an unpaid invoice (day 0, 3 and 6 of the grace period), then the suspension itself.
  z.object({
    template: z.literal('billing-notice'),
    ...base,
    stage: z.enum(['payment_failed', 'reminder', 'final_reminder', 'suspended']),
    amount: z.string().max(40),
    suspendOn: z.iso.datetime(),
    url: link,
  }),
]);

export type EmailMessage = z.infer<typeof emailMessageSchema>;
export type EmailTemplate = EmailMessage['template'];
