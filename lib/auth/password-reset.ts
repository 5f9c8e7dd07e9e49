import { z } from 'zod';
import { seal, unseal } from '@/lib/email/crypto';
import { passwordResetRequested } from '@/lib/events/email';
import { sendEvent } from '@/lib/events/send';
import { getAuth } from './auth';

// Only paths of this app: the link in the email must not send anyone elsewhere.
const redirectSchema = z
  .string()
  .max(200)
  .regex(/^\/(?!\/)[\w\-./?=&%]*$/, 'redirectTo must be a path of this app, like /reset-password');

export const resetRequestSchema = z.object({
  email: z.email().max(254),
  redirectTo: redirectSchema.optional(),
});

export const RESET_REQUEST_ANSWER = { status: true, message: 'If this email exists in our system, check your email for the reset link' };

/**
 * The request side of "forgot password": the same work (one event) for an address with an account and one
 * without, so neither the answer nor the time it takes says which. email/issue-password-reset looks the account up.
 */
export async function requestPasswordReset(input: z.infer<typeof resetRequestSchema>): Promise<void> {
  await sendEvent(passwordResetRequested, { sealed: seal({ email: input.email.toLowerCase(), redirectTo: input.redirectTo ?? '/reset-password' }) });
}

const sealedRequestSchema = z.object({ email: z.email(), redirectTo: redirectSchema });

/** The function side: better-auth issues the single-use token and calls sendResetPassword if the account exists. */
export async function issuePasswordReset(sealed: string): Promise<void> {
  const { email, redirectTo } = sealedRequestSchema.parse(unseal(sealed));
  const auth = await getAuth();
  await auth.api.requestPasswordReset({ body: { email, redirectTo } });
}
