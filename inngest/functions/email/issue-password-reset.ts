import { inngest } from '@/inngest/client';
import { issuePasswordReset as issue } from '@/lib/auth/password-reset';
import { passwordResetRequested } from '@/lib/events/email';

// The lookup behind "forgot password", off the request path (lib/auth/password-reset.ts says why). For an address
// with an account it creates the reset token and queues the email (email/send-email); for any other, nothing.
export const issuePasswordReset = inngest.createFunction(
  { id: 'issue-password-reset', name: 'Issue a password reset link', triggers: [passwordResetRequested], retries: 3 },
  async ({ event, step }) => {
    await step.run('issue', () => issue(event.data.sealed));
    return { done: true };
  },
);
