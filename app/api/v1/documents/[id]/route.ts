import { deleteDocumentOp, getDocumentOp } from '@/lib/api/documents';
import { deleteDocument, getDocument } from '@/lib/documents/documents';
import { tenantRoute } from '@/lib/http/route';

export const GET = tenantRoute(getDocumentOp, ({ tx, params }) => getDocument(tx, params.id));

export const DELETE = tenantRoute(deleteDocumentOp, async ({ tx, tenantId, params }) => {
  await deleteDocument(tx, tenantId, params.id);
});
