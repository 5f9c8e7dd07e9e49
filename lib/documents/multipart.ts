import { AppError } from '@/lib/http/errors';
import { formatBytes } from '@/lib/ui/format';

export interface MultipartUpload {
  bytes: Uint8Array;
  filename: string | undefined;
  type: string | undefined;
  title: string | undefined;
}

const tooLarge = (limit: number) =>
  new AppError('payload_too_large', `The file is larger than ${formatBytes(limit)}, the largest upload your plan allows. Split it into smaller files, or ask about a larger plan.`);

// Passes the body through until `limit` bytes, then errors the stream: the parser below stops reading there, so
// a client cannot make us buffer more than the limit, whatever Content-Length claims.
function limitStream(body: ReadableStream<Uint8Array>, limit: number, onExceeded: () => void): ReadableStream<Uint8Array> {
  let total = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.byteLength;
        if (total > limit) {
          onExceeded();
          controller.error(new Error('body limit exceeded'));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

// Reads a multipart/form-data upload with one `file` field and an optional `title` field. `fileLimit` is the
// plan's limit for the file itself; the envelope may add `overhead` bytes.
export async function readMultipartUpload(req: Request, fileLimit: number, overhead: number): Promise<MultipartUpload> {
  const contentType = req.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\b/i.test(contentType) || !/boundary=/i.test(contentType)) {
    throw new AppError('unsupported_media_type', 'Send files as multipart/form-data with a boundary');
  }
  const bodyLimit = fileLimit + overhead;
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > bodyLimit) throw tooLarge(fileLimit);
  if (!req.body) throw new AppError('validation_failed', 'The request has no body: send a `file` field');

  let exceeded = false;
  const limited = limitStream(req.body, bodyLimit, () => {
    exceeded = true;
  });
  let form: FormData;
  try {
    form = await new Response(limited, { headers: { 'content-type': contentType } }).formData();
  } catch {
    if (exceeded) throw tooLarge(fileLimit);
    throw new AppError('bad_request', 'The multipart body could not be parsed');
  }
  const file = form.get('file');
  if (file === null) throw new AppError('validation_failed', 'Missing the `file` field');
  if (typeof file === 'string') throw new AppError('validation_failed', 'The `file` field must be a file, not text');
  if (file.size > fileLimit) throw tooLarge(fileLimit);
  const title = form.get('title');
  if (title !== null && typeof title !== 'string') throw new AppError('validation_failed', 'The `title` field must be text');
  return {
    bytes: new Uint8Array(await file.arrayBuffer()),
    filename: file.name || undefined,
    type: file.type || undefined,
    title: title ?? undefined,
  };
}
