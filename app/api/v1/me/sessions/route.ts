import { signOutEverywhereOp } from '@/lib/api/identity';
import { revokeAllSessions } from '@/lib/auth/users';
import { userRoute } from '@/lib/http/route';

export const DELETE = userRoute(signOutEverywhereOp, async ({ principal }) => {
  await revokeAllSessions(principal.userId);
  return { ok: true };
});
