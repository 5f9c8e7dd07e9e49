import { EventType } from 'inngest';
import { z } from 'zod';

// An email was asked for and recorded (lib/email/request.ts); email/send-email delivers it with retries. Account
// emails (verify, reset, change of address) belong to no tenant, hence no defineEvent and a nullable tenantId. The
// message itself is sealed (lib/email/crypto.ts). Event id: `email-<deliveryId>`.
export const emailRequested = new EventType({
  name: 'email/requested',
  schema: z.object({
    deliveryId: z.uuid(),
    tenantId: z.uuid().nullable(),
    sealed: z.string().min(1).max(64_000),
  }),
});
export type EmailRequestedData = z.infer<typeof emailRequested.schema>;

// Someone asked for a password reset link. The address is looked up by email/issue-password-reset, not by the
// request, so the request does the same work whether or not an account exists. The address travels sealed.
export const passwordResetRequested = new EventType({
  name: 'auth/password-reset-requested',
  schema: z.object({ sealed: z.string().min(1).max(4_000) }),
});
