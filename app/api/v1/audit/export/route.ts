import { exportAuditOp } from '@/lib/api/audit';
import { exportAuditLog } from '@/lib/audit/export';
import { tenantRoute } from '@/lib/http/route';

export const GET = tenantRoute(exportAuditOp, async ({ tx, tenantId, principal, query }) => {
  const file = await exportAuditLog(tx, { tenantId, userId: principal.kind === 'user' ? principal.userId : null }, query.format);
  return new Response(file.stream, {
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'no-store',
    },
  });
});
