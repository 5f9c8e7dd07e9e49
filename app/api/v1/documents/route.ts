import { listDocumentsOp, uploadDocumentOp } from '@/lib/api/documents';
import { tenantRouteWithJobs } from '@/lib/documents/after-commit';
import { listDocuments } from '@/lib/documents/documents';
import { createDocument } from '@/lib/documents/ingest';
import { readUploadRequest } from '@/lib/documents/upload-request';
import { tenantRoute } from '@/lib/http/route';

export const GET = tenantRoute(listDocumentsOp, ({ tx, query }) => listDocuments(tx, query));

export const POST = tenantRouteWithJobs(uploadDocumentOp, async ({ tx, access, req }, enqueue) =>
  createDocument(tx, access, await readUploadRequest(req, access.plan), enqueue),
);
