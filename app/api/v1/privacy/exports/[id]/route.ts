import { getExportOp } from '@/lib/api/privacy';
import { tenantRoute } from '@/lib/http/route';
import { getExport } from '@/lib/privacy/export';

export const GET = tenantRoute(getExportOp, ({ tx, access, params }) => getExport(tx, access, params.id));
