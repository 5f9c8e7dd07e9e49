import { createExportOp } from '@/lib/api/privacy';
import { tenantRouteThen } from '@/lib/privacy/after-commit';
import { createExport, sendExportRequested } from '@/lib/privacy/export';

export const POST = tenantRouteThen(createExportOp, async ({ tx, access, tenantId, body }, later) => {
  const created = await createExport(tx, access, body);
  later(() => sendExportRequested(tenantId, created.id));
  return created;
});
