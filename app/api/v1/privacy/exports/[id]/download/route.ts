import { downloadExportOp } from '@/lib/api/privacy';
import { tenantRoute } from '@/lib/http/route';
import { EXPORT_CONTENT_TYPE, readExportFile } from '@/lib/privacy/export';

export const GET = tenantRoute(downloadExportOp, async ({ tx, access, params }) => {
  const file = await readExportFile(tx, access, params.id);
  return new Response(Buffer.from(file.bytes), {
    headers: { 'content-type': EXPORT_CONTENT_TYPE, 'content-disposition': `attachment; filename="${file.filename}"`, 'cache-control': 'no-store' },
  });
});
