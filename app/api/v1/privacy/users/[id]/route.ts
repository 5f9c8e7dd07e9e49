import { eraseMemberOp } from '@/lib/api/privacy';
import { tenantRouteThen } from '@/lib/privacy/after-commit';
import { purgeRunHistoryMentioning } from '@/lib/pipelines/run-history';
import { eraseMember, eraseOrphanedAccount } from '@/lib/privacy/erase-member';

export const DELETE = tenantRouteThen(eraseMemberOp, async ({ tx, access, principal, tenantId, params }, later) => {
  const { result, userId, traces } = await eraseMember(tx, access, principal, tenantId, params.id);
  later(async () => {
    await purgeRunHistoryMentioning(tenantId, traces);
    if (result.accountDeleted) await eraseOrphanedAccount(userId);
  });
  return result;
});
