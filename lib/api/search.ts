import { defineOperation } from '@/lib/http/operation';
import { searchQuerySchema, searchResultSchema } from '@/lib/search/search';

export const searchOp = defineOperation({
  id: 'search',
  // A read, but it embeds the query: AI work waits for payment too.
  whenSuspended: 'refuse',
  method: 'GET',
  path: '/api/v1/search',
  summary:
    "Hybrid search over the organization's document chunks: semantic kNN (pgvector HNSW, cosine) and full-text " +
    '(ts_rank) fused by reciprocal rank. Plain words match any word; quotes, -word and "or" use web-search syntax. ' +
    'Keyword-only (mode=keyword, with a notice) when the query cannot be embedded or the AI budget is spent.',
  tag: 'search',
  auth: 'tenant',
  permission: 'documents:read',
  query: searchQuerySchema,
  response: searchResultSchema,
});
