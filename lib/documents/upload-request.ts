import { isJsonRequest, parseJsonBody } from '@/lib/http/body';
import { AppError } from '@/lib/http/errors';
import type { StagedBody } from '@/lib/http/route';
import type { Access } from '@/lib/tenancy/access';
import { textDocumentSchema, type DocumentInput } from './ingest';
import { MULTIPART_OVERHEAD, TEXT_JSON_LIMIT, uploadLimitFor } from './limits';
import { discardStagedFile, stageMultipartUpload } from './multipart';

// The upload endpoint takes two body formats, so the route wrapper hands the body to this reader, after the access
// check (the limit depends on the plan) and before the transaction opens (a slow upload must hold no connection).
// A file goes to the blob store as it streams in; `discard` removes it if the document is then not recorded.
export async function readUploadRequest(req: Request, access: Access): Promise<StagedBody<DocumentInput>> {
  if (isJsonRequest(req)) {
    return { value: { source: 'json', body: await parseJsonBody(req, textDocumentSchema, TEXT_JSON_LIMIT) } };
  }
  if (/^multipart\/form-data\b/i.test(req.headers.get('content-type') ?? '')) {
    const file = await stageMultipartUpload(req, access.tenantId, uploadLimitFor(access.plan), MULTIPART_OVERHEAD);
    return { value: { source: 'file', file }, discard: () => discardStagedFile(access.tenantId, file) };
  }
  throw new AppError('unsupported_media_type', 'Send application/json ({"title", "text"}) or multipart/form-data (file, title)');
}
