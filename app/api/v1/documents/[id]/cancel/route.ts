import { cancelDocumentOp } from '@/lib/api/documents';
import { cancelDocument } from '@/lib/documents/documents';
import { tenantRoute } from '@/lib/http/route';

export const POST = tenantRoute(cancelDocumentOp, ({ tx, params }) => cancelDocument(tx, params.id));
