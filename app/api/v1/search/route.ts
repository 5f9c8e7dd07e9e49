import { searchOp } from '@/lib/api/search';
import { tenantRoute } from '@/lib/http/route';
import { searchDocuments } from '@/lib/search/search';

export const GET = tenantRoute(searchOp, ({ tx, tenantId, query, requestId, req }) =>
  searchDocuments(tx, tenantId, query, { requestId, signal: req.signal }),
);
