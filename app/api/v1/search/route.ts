import { searchOp } from '@/lib/api/search';
import { tenantRouteWith } from '@/lib/http/route';
import { prepareSearch, searchDocuments } from '@/lib/search/search';

// The query is embedded before the transaction opens (prepare); the transaction only ranks.
export const GET = tenantRouteWith(
  searchOp,
  { prepare: ({ inTenant, tenantId, query, requestId, req }) => prepareSearch(inTenant, tenantId, query, { requestId, signal: req.signal }) },
  ({ tx, tenantId, query, prepared }) => searchDocuments(tx, tenantId, query, prepared),
);
