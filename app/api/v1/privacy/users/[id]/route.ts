import { eraseMemberOp } from '@/lib/api/privacy';
import { tenantRouteThen } from '@/lib/privacy/after-commit';
import { eraseMember, eraseOrphanedAccount } from '@/lib/privacy/erase-member';

export const DELETE = tenantRouteThen(eraseMemberOp, async ({ tx, access, principal, tenantId, params }, later) => {
  const { result, userId } = await eraseMember(tx, access, principal, tenantId, params.id);
  if (result.accountDeleted) {
    later(async () => {
      await eraseOrphanedAccount(userId);
    });
  }
  return result;
});
