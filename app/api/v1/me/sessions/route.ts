import { listMySessionsOp, signOutEverywhereOp } from '@/lib/api/identity';
import { listUserSessions } from '@/lib/auth/sessions';
import { revokeAllSessions } from '@/lib/auth/users';
import { userRoute } from '@/lib/http/route';

export const GET = userRoute(listMySessionsOp, ({ principal }) => listUserSessions(principal.userId, principal.sessionId));
export const DELETE = userRoute(signOutEverywhereOp, async ({ principal }) => {
  await revokeAllSessions(principal.userId);
  return { ok: true };
});
