import type { AskCitation, AskEvent, AskSource } from '@/lib/assistant/ask';
import { ApiError, toApiError } from '@/lib/ui/api';

export type { AskCitation, AskEvent, AskSource };

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

// A spent AI budget is a 429 too, but its message (what ran out, when it resets) is worth showing as is.
function refusal(status: number, body: unknown, retryAfter: string | null): ApiError {
  const error = toApiError(status, body, retryAfter);
  if (error.code !== 'quota_exceeded' || typeof body !== 'object' || body === null || !('error' in body)) return error;
  const inner = body.error;
  const message = typeof inner === 'object' && inner !== null && 'message' in inner && typeof inner.message === 'string' ? inner.message : error.message;
  return new ApiError(status, error.code, message, error.requestId);
}

// POSTs a question and hands each NDJSON line of the answer stream to onEvent as it arrives.
export async function askStreaming(
  body: { question: string; documentIds?: string[]; conversationId?: string },
  onEvent: (event: AskEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const res = await fetch('/api/v1/assistant/ask', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  if (!res.ok || !res.body) throw refusal(res.status, parseJson(await res.text()), res.headers.get('retry-after'));
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    buffered += decoder.decode(value, { stream: !done });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      // Each line is an AskEvent the server validated against its own schema.
      if (line) onEvent(JSON.parse(line) as AskEvent);
      newline = buffered.indexOf('\n');
    }
    if (done) break;
  }
}

// Link to the cited passage: the document page highlights [start, end) of its text and scrolls to it.
export function citationHref(c: Pick<AskCitation, 'documentId' | 'charStart' | 'charEnd' | 'chunkId'>): string {
  return `/app/documents/${c.documentId}?chunk=${c.chunkId}&start=${c.charStart}&end=${c.charEnd}`;
}
