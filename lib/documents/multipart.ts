import { createHash, randomUUID } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import busboy from 'busboy';
import { assertStorable } from '@/lib/http/body';
import { iterateBody } from '@/lib/http/body-stream';
import { AppError } from '@/lib/http/errors';
import { deleteTenantBlob, putTenantBlob, putTenantBlobStream, tenantBlobKey } from '@/lib/storage';
import { formatBytes } from '@/lib/ui/format';
import { ByteProfiler, detectProfiledType, profileBytes, type DetectedType } from './sniff';

// An uploaded file already in the blob store, with what the transaction needs to record it.
export interface StagedFile {
  documentId: string;
  blobKey: string;
  sizeBytes: number;
  checksum: string;
  detected: DetectedType;
  filename: string | undefined;
  title: string | undefined;
}

const MAX_FIELD_BYTES = 8 * 1024;

export function fileTooLarge(limit: number): AppError {
  return new AppError('payload_too_large', `The file is larger than ${formatBytes(limit)}, the largest upload your plan allows. Split it into smaller files, or ask about a larger plan.`);
}

// Counts the whole body against the plan's limit (plus the envelope) as it streams, whatever Content-Length claims.
async function* limitedBody(body: ReadableStream<Uint8Array>, bodyLimit: number, fileLimit: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of iterateBody(body)) {
    total += chunk.byteLength;
    if (total > bodyLimit) throw fileTooLarge(fileLimit);
    yield chunk;
  }
}

// Hashes, sizes and profiles the file on its way to the blob store.
class Inspect extends Transform {
  readonly hash = createHash('sha256');
  readonly profiler = new ByteProfiler();

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.profiler.update(chunk);
    done(null, chunk);
  }
}

interface Received {
  inspect: Inspect;
  truncated: boolean;
  filename: string | undefined;
  mimeType: string | undefined;
  stored: Promise<void>;
}

/**
 * Streams a multipart/form-data upload (one `file` field, an optional `title`) straight into the blob store under the
 * document id it will have, so the file is never held in memory and no database transaction is open while a slow
 * client sends it. The caller records the document afterwards and calls `discardStagedFile` if that fails.
 */
export async function stageMultipartUpload(req: Request, tenantId: string, fileLimit: number, overhead: number): Promise<StagedFile> {
  const contentType = req.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\b/i.test(contentType) || !/boundary=/i.test(contentType)) {
    throw new AppError('unsupported_media_type', 'Send files as multipart/form-data with a boundary');
  }
  const bodyLimit = fileLimit + overhead;
  if (Number(req.headers.get('content-length') ?? '0') > bodyLimit) throw fileTooLarge(fileLimit);
  const body = req.body;
  if (!body) throw new AppError('validation_failed', 'The request has no body: send a `file` field');

  const documentId = randomUUID();
  const blobKey = tenantBlobKey(tenantId, `documents/${documentId}/original`);
  let received: Received | undefined;
  let title: string | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const source = Readable.from(limitedBody(body, bodyLimit, fileLimit));
      let parser: busboy.Busboy;
      try {
        parser = busboy({
          headers: { 'content-type': contentType },
          limits: { files: 1, fileSize: fileLimit, fields: 8, fieldSize: MAX_FIELD_BYTES, parts: 10, headerPairs: 20 },
        });
      } catch {
        reject(new AppError('bad_request', 'The multipart body could not be parsed'));
        return;
      }
      const fail = (err: unknown) => {
        source.destroy();
        received?.inspect.destroy();
        reject(err instanceof AppError ? err : new AppError('bad_request', 'The multipart body could not be parsed'));
      };
      parser.on('file', (name, stream, info) => {
        if (name !== 'file' || received) {
          stream.resume();
          return;
        }
        const inspect = new Inspect();
        const entry: Received = {
          inspect,
          truncated: false,
          filename: info.filename || undefined,
          mimeType: info.mimeType || undefined,
          stored: putTenantBlobStream(tenantId, blobKey, stream.pipe(inspect), 'application/octet-stream'),
        };
        entry.stored.catch(() => undefined);
        stream.on('limit', () => {
          entry.truncated = true;
        });
        received = entry;
      });
      parser.on('field', (name, value, info) => {
        if (name === 'file') {
          fail(new AppError('validation_failed', 'The `file` field must be a file, not text'));
          return;
        }
        if (name !== 'title') return;
        if (info.valueTruncated) {
          fail(new AppError('validation_failed', 'The title is too long'));
          return;
        }
        title = value;
      });
      parser.on('filesLimit', () => fail(new AppError('validation_failed', 'Send one file per upload')));
      parser.on('error', fail);
      source.on('error', fail);
      parser.on('close', () => {
        if (!received) resolve();
        else received.stored.then(resolve, fail);
      });
      source.pipe(parser);
    });
    if (!received) throw new AppError('validation_failed', 'Missing the `file` field');
    if (received.truncated) throw fileTooLarge(fileLimit);
    assertStorable({ title, filename: received.filename }, 'upload');
    const profile = received.inspect.profiler.finish();
    return {
      documentId,
      blobKey,
      sizeBytes: profile.size,
      checksum: received.inspect.hash.digest('hex'),
      detected: detectProfiledType(profile, received.mimeType, received.filename),
      filename: received.filename,
      title,
    };
  } catch (err) {
    // Whatever reached the store is removed before the error is answered (the store removes partial writes itself).
    await received?.stored.catch(() => undefined);
    await deleteTenantBlob(tenantId, blobKey).catch(() => undefined);
    throw err;
  }
}

// The same staging for a file already in memory (the eval, connectors that fetch a file): stored first, recorded after.
export async function stageFileBytes(
  tenantId: string,
  file: { bytes: Uint8Array; filename: string | undefined; type: string | undefined; title: string | undefined },
): Promise<StagedFile> {
  const detected = detectProfiledType(profileBytes(file.bytes), file.type, file.filename);
  const documentId = randomUUID();
  const blobKey = tenantBlobKey(tenantId, `documents/${documentId}/original`);
  await putTenantBlob(tenantId, blobKey, file.bytes, detected.mime);
  return {
    documentId,
    blobKey,
    sizeBytes: file.bytes.byteLength,
    checksum: createHash('sha256').update(file.bytes).digest('hex'),
    detected,
    filename: file.filename,
    title: file.title,
  };
}

export async function discardStagedFile(tenantId: string, file: StagedFile): Promise<void> {
  await deleteTenantBlob(tenantId, file.blobKey);
}
