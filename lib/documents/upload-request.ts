import type { PLANS } from '@/lib/db/schema';
import { parseJsonBody } from '@/lib/http/body';
import { AppError } from '@/lib/http/errors';
import { textDocumentSchema, type DocumentInput } from './ingest';
import { MULTIPART_OVERHEAD, TEXT_JSON_LIMIT, uploadLimitFor } from './limits';
import { readMultipartUpload } from './multipart';

// The upload endpoint takes two body formats, so the route wrapper (which parses JSON bodies declared on the
// operation) leaves the body to this adapter. Limits are enforced while the body streams in.
export async function readUploadRequest(req: Request, plan: (typeof PLANS)[number]): Promise<DocumentInput> {
  const type = req.headers.get('content-type') ?? '';
  if (/^application\/json\b/i.test(type)) {
    return { source: 'json', body: await parseJsonBody(req, textDocumentSchema, TEXT_JSON_LIMIT) };
  }
  if (/^multipart\/form-data\b/i.test(type)) {
    return { source: 'file', file: await readMultipartUpload(req, uploadLimitFor(plan), MULTIPART_OVERHEAD) };
  }
  throw new AppError('unsupported_media_type', 'Send application/json ({"title", "text"}) or multipart/form-data (file, title)');
}
