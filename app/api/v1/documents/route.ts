import { listDocumentsOp, uploadDocumentOp } from '@/lib/api/documents';
import { tenantRouteWithJobs } from '@/lib/documents/after-commit';
import { listDocuments } from '@/lib/documents/documents';
import { createDocument } from '@/lib/documents/ingest';
import { readUploadRequest } from '@/lib/documents/upload-request';
import { tenantRoute } from '@/lib/http/route';

export const GET = tenantRoute(listDocumentsOp, ({ tx, query }) => listDocuments(tx, query));

// The body (a file streams straight to storage) is read before the transaction opens, which only records it.
export const POST = tenantRouteWithJobs(uploadDocumentOp, { readBody: readUploadRequest }, ({ tx, access, upload }, enqueue) =>
  createDocument(tx, access, upload, enqueue),
);
