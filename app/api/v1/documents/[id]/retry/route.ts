import { retryDocumentOp } from '@/lib/api/documents';
import { tenantRouteWithJobs } from '@/lib/documents/after-commit';
import { retryDocument } from '@/lib/documents/documents';

export const POST = tenantRouteWithJobs(retryDocumentOp, {}, ({ tx, tenantId, params }, enqueue) => retryDocument(tx, tenantId, params.id, enqueue));
