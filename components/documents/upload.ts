import { ApiError, toApiError } from '@/lib/ui/api';
import type { DocumentSummary } from './types';

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

// XMLHttpRequest rather than fetch: only it reports upload progress. The session cookie rides along (same origin),
// and the browser sets the Origin header the API's CSRF check expects.
export function uploadFile(file: File, onProgress: (fraction: number) => void): Promise<DocumentSummary> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/documents');
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      // The server validated this body against the operation's response schema before sending it.
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as DocumentSummary);
      else reject(toApiError(xhr.status, body, xhr.getResponseHeader('retry-after')));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'Could not reach the server. Check your connection and try again.'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Upload cancelled.'));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

// A duplicate answers 409 with the existing document's id in error.details.
export function duplicateOf(err: unknown): string | null {
  if (!(err instanceof ApiError) || err.status !== 409 || typeof err.details !== 'object' || err.details === null) return null;
  const id: unknown = Reflect.get(err.details, 'documentId');
  return typeof id === 'string' ? id : null;
}
