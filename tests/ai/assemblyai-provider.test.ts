import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AiAbortedError, AiError } from '@/lib/ai/errors';
import { AssemblyAiProvider } from '@/lib/ai/providers/assemblyai';
import type { ProviderCallContext } from '@/lib/ai/types';
import { startAssemblyAiFake, type AssemblyAiFake } from '@/tests/fakes/assemblyai-fake';

let fake: AssemblyAiFake;

beforeAll(async () => {
  fake = await startAssemblyAiFake();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

function provider(options: { apiKey?: string; pollingIntervalMs?: number } = {}): AssemblyAiProvider {
  return new AssemblyAiProvider({
    apiKey: options.apiKey ?? fake.apiKey,
    baseUrl: fake.url,
    pollingIntervalMs: options.pollingIntervalMs ?? 5,
  });
}

function ctx(signal = new AbortController().signal): ProviderCallContext {
  return { idempotencyKey: 'doc-1:transcribe', signal, timeoutMs: 10_000 };
}

describe('AssemblyAI provider', () => {
  it('uploads bytes, creates a transcript and polls queued -> processing -> completed', async () => {
    fake.enqueue({ kind: 'ok', text: 'Quarterly review call.', audioDuration: 95, confidence: 0.91 });
    const result = await provider().transcribe(
      { audio: { bytes: new Uint8Array([7, 7, 7]), mimeType: 'audio/wav' } },
      ctx(),
    );

    expect(result.output).toEqual({ text: 'Quarterly review call.', durationSeconds: 95, confidence: 0.91 });
    expect(result.usage.audioSeconds).toBe(95);
    expect(result.model).toBe('best');
    expect(fake.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}$/, ':id')}`)).toEqual([
      'POST /v2/upload',
      'POST /v2/transcript',
      'GET /v2/transcript/:id',
      'GET /v2/transcript/:id',
    ]);
    expect(fake.requests[0]?.body).toEqual(Buffer.from([7, 7, 7]));
    const created = fake.requests[1]?.json;
    expect(created).toMatchObject({ audio_url: expect.stringContaining('/cdn/upload/') });
    expect(fake.requests.every((r) => r.headers.authorization === fake.apiKey)).toBe(true);
  });

  it('passes an audio URL straight through without uploading', async () => {
    await provider().transcribe({ audio: { url: 'https://blob.example.com/a.mp3', mimeType: 'audio/mpeg' } }, ctx());
    expect(fake.requests.some((r) => r.path === '/v2/upload')).toBe(false);
    expect(fake.requests[0]?.json).toMatchObject({ audio_url: 'https://blob.example.com/a.mp3' });
  });

  it('reports a transcript that ends in status "error" as a non-retryable failure', async () => {
    fake.enqueue({ kind: 'transcript-error', error: 'File does not appear to contain audio.' });
    const error = await provider()
      .transcribe({ audio: { url: 'https://blob.example.com/silence.mp3', mimeType: 'audio/mpeg' } }, ctx())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiError);
    expect(error).toMatchObject({ code: 'provider_error', retryable: false });
    expect(String(error)).toContain('does not appear to contain audio');
  });

  it('reports 500 and 429 answers as retryable provider errors', async () => {
    fake.enqueue({ kind: 'server-error' }, { kind: 'rate-limit' });
    const input = { audio: { url: 'https://blob.example.com/a.mp3', mimeType: 'audio/mpeg' } };
    await expect(provider().transcribe(input, ctx())).rejects.toMatchObject({ code: 'provider_error', retryable: true });
    await expect(provider().transcribe(input, ctx())).rejects.toThrow(/Too many requests/);
  });

  it('fails with the API message on a bad key', async () => {
    const input = { audio: { url: 'https://blob.example.com/a.mp3', mimeType: 'audio/mpeg' } };
    await expect(provider({ apiKey: 'wrong' }).transcribe(input, ctx())).rejects.toThrow(/Authentication error/);
  });

  it('stops polling when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = provider({ pollingIntervalMs: 60_000 })
      .transcribe({ audio: { url: 'https://blob.example.com/a.mp3', mimeType: 'audio/mpeg' } }, ctx(controller.signal))
      .catch((e: unknown) => e);
    await expect.poll(() => fake.requests.length).toBe(1);
    controller.abort();
    expect(await pending).toBeInstanceOf(AiAbortedError);
    expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(0);
  });
});
