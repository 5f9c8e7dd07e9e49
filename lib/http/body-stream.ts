import { getEnv } from '@/lib/env';
import { AppError } from './errors';

export function bodyStalled(idleMs: number): AppError {
  return new AppError('request_timeout', `The request body stalled: nothing arrived for ${Math.round(idleMs / 1000)} s. Send it again.`);
}

// Every read of a request body goes through this: a client that opens a body and then sends nothing (or a byte a
// minute) gets a 408 after BODY_IDLE_TIMEOUT_MS instead of holding a request slot forever.
export async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>, idleMs = getEnv().BODY_IDLE_TIMEOUT_MS): Promise<ReadableStreamReadResult<Uint8Array>> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(bodyStalled(idleMs)), idleMs);
  });
  try {
    return await Promise.race([reader.read(), stalled]);
  } catch (err) {
    await reader.cancel().catch(() => undefined);
    if (err instanceof AppError) throw err;
    // Reading our own request body fails only when the client went away mid-send: ordinary, not a fault of ours.
    throw new AppError('client_closed', 'The client closed the connection before the request body arrived');
  } finally {
    clearTimeout(timer);
  }
}

// The same idle limit for a body consumed as a Node stream (multipart parsing): yields chunks, or throws the 408.
export async function* iterateBody(body: ReadableStream<Uint8Array>, idleMs = getEnv().BODY_IDLE_TIMEOUT_MS): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await readChunk(reader, idleMs);
    if (done) return;
    yield value;
  }
}
