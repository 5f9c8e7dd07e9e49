import { createExportOp, listExportsOp } from '@/lib/api/privacy';
import { tenantRoute } from '@/lib/http/route';
import { tenantRouteThen } from '@/lib/privacy/after-commit';
import { createExport, listExports, sendExportRequested } from '@/lib/privacy/export';

export const POST = tenantRouteThen(createExportOp, async ({ tx, access, tenantId, body }, later) => {
  const created = await createExport(tx, access, body);
  later(() => sendExportRequested(tenantId, created.id));
  return created;
});

export const GET = tenantRoute(listExportsOp, ({ tx, access }) => listExports(tx, access));
