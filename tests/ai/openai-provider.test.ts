import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AiAbortedError, AiError, ModelOutputError, ProviderTimeoutError } from '@/lib/ai/errors';
import { OpenAiProvider } from '@/lib/ai/providers/openai';
import { EMBEDDING_DIM, type ProviderCallContext } from '@/lib/ai/types';
import { startOpenAiFake, type OpenAiFake } from '@/tests/fakes/openai-fake';

let fake: OpenAiFake;

beforeAll(async () => {
  fake = await startOpenAiFake({ apiKey: 'sk-test' });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

function hosted(maxRetries = 0): OpenAiProvider {
  return new OpenAiProvider({
    apiKey: 'sk-test',
    baseURL: fake.baseURL,
    models: { chat: 'gpt-4o-mini', embed: 'text-embedding-3-small', transcribe: 'whisper-1' },
    selfHosted: false,
    maxRetries,
  });
}

function ctx(overrides: Partial<ProviderCallContext> = {}): ProviderCallContext {
  return { idempotencyKey: 'doc-1:classify', signal: new AbortController().signal, timeoutMs: 5_000, ...overrides };
}

const categories = [{ name: 'invoice' }, { name: 'contract' }];

describe('OpenAI provider: chat operations', () => {
  it('sends a JSON-mode request with the idempotency key and returns the validated output and token usage', async () => {
    fake.enqueue('chat', { kind: 'ok', content: { category: 'invoice', tags: [' Billing '], confidence: 0.92 } });
    const result = await hosted().classify({ text: 'Invoice 42, total 100 EUR', categories }, ctx());

    expect(result.output).toEqual({ category: 'invoice', tags: ['billing'], confidence: 0.92 });
    expect(result.model).toBe('gpt-4o-mini');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    const [request] = fake.requestsTo('chat');
    expect(request?.headers['idempotency-key']).toBe('doc-1:classify');
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(request?.json).toMatchObject({ model: 'gpt-4o-mini', response_format: { type: 'json_object' } });
  });

  it('retries a 429 after its retry-after, keeping the same idempotency key', async () => {
    fake.enqueue(
      'chat',
      { kind: 'rate-limit', retryAfterSeconds: 0 },
      { kind: 'ok', content: { summary: 'A short summary.', confidence: 0.8 } },
    );
    const result = await hosted(1).summarize({ text: 'Long text.' }, ctx({ idempotencyKey: 'doc-2:summarize' }));

    expect(result.output.summary).toBe('A short summary.');
    const requests = fake.requestsTo('chat');
    expect(requests).toHaveLength(2);
    expect(requests.map((r) => r.headers['idempotency-key'])).toEqual(['doc-2:summarize', 'doc-2:summarize']);
  });

  it('surfaces a 500 as a retryable provider error once retries are spent', async () => {
    fake.enqueue('chat', { kind: 'server-error' }, { kind: 'server-error' });
    const error = await hosted(1)
      .summarize({ text: 'x' }, ctx())
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AiError);
    expect(error).toMatchObject({ code: 'provider_error', retryable: true });
    expect(fake.requestsTo('chat')).toHaveLength(2);
  });

  it('a 429 with no retries left is a retryable provider error', async () => {
    fake.enqueue('chat', { kind: 'rate-limit', retryAfterSeconds: 30 });
    const error = await hosted(0)
      .summarize({ text: 'x' }, ctx())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'provider_error', retryable: true });
    expect(String(error)).toMatch(/429/);
  });

  it('turns a hung request into a ProviderTimeoutError', async () => {
    fake.enqueue('chat', { kind: 'hang' });
    const error = await hosted(0)
      .summarize({ text: 'x' }, ctx({ timeoutMs: 150 }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderTimeoutError);
  });

  it('honours the AbortSignal', async () => {
    fake.enqueue('chat', { kind: 'hang' });
    const controller = new AbortController();
    const pending = hosted(0)
      .summarize({ text: 'x' }, ctx({ signal: controller.signal }))
      .catch((e: unknown) => e);
    await expect.poll(() => fake.requestsTo('chat').length).toBe(1);
    controller.abort();
    expect(await pending).toBeInstanceOf(AiAbortedError);
  });

  it('rejects a reply that is not JSON, keeping the spent tokens on the error', async () => {
    fake.enqueue('chat', { kind: 'malformed' });
    const error = await hosted()
      .classify({ text: 'x', categories }, ctx())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelOutputError);
    expect(error instanceof ModelOutputError && error.usage?.outputTokens).toBeGreaterThan(0);
  });

  it('rejects JSON of the wrong shape: an unknown category, a citation of a context never given, a truncated reply', async () => {
    fake.enqueue(
      'chat',
      { kind: 'ok', content: { category: 'recipe', tags: [], confidence: 0.9 } },
      { kind: 'ok', content: { answer: 'Yes.', citations: [{ id: 'doc-999', snippet: 'x' }], confidence: 0.9 } },
      { kind: 'ok', content: { summary: 'cut', confidence: 0.9 }, finishReason: 'length' },
    );
    const provider = hosted();
    await expect(provider.classify({ text: 'x', categories }, ctx())).rejects.toBeInstanceOf(ModelOutputError);
    await expect(
      provider.answer({ question: 'Is it?', contexts: [{ id: 'doc-1', text: 'It is.' }] }, ctx()),
    ).rejects.toBeInstanceOf(ModelOutputError);
    await expect(provider.summarize({ text: 'x' }, ctx())).rejects.toThrow(/truncated/);
  });

  it('maps null hints from the model to absent ones', async () => {
    fake.enqueue('chat', {
      kind: 'ok',
      content: { items: [{ title: 'Send deck', ownerHint: 'Alice', dueHint: null }, { title: 'Book room', ownerHint: null }], confidence: 0.85 },
    });
    const { output } = await hosted()['extract-actions']({ text: 'Alice sends the deck.' }, ctx());
    expect(output.items).toEqual([{ title: 'Send deck', ownerHint: 'Alice' }, { title: 'Book room' }]);
  });

  it('asks for due dates resolved from the document date, and keeps only real dates and the quoted sentence', async () => {
    fake.enqueue('chat', {
      kind: 'ok',
      content: {
        items: [
          { title: 'Send deck', ownerHint: 'Alice', dueHint: 'Friday', dueDate: '2026-06-05', quote: 'Alice will send the deck by Friday.' },
          { title: 'Book room', ownerHint: null, dueHint: 'the 31st', dueDate: '2026-06-31', quote: null },
          { title: 'Call Bob', dueDate: 'next week' },
        ],
        confidence: 0.8,
      },
    });
    const before = fake.requestsTo('chat').length;
    const { output } = await hosted()['extract-actions']({ text: 'Alice will send the deck by Friday.', referenceDate: '2026-06-03' }, ctx());
    expect(output.items).toEqual([
      { title: 'Send deck', ownerHint: 'Alice', dueHint: 'Friday', dueDate: '2026-06-05', quote: 'Alice will send the deck by Friday.' },
      { title: 'Book room', dueHint: 'the 31st' },
      { title: 'Call Bob' },
    ]);
    const [request] = fake.requestsTo('chat').slice(before);
    expect(JSON.stringify(request?.json)).toContain('The document is dated 2026-06-03');
  });

  it('verifies pattern rules locally and asks the model only about pattern-less sections', async () => {
    const provider = hosted();
    const text = 'Date: 2025-01-10\nInvoice number: INV-7\nPayment is due in 30 days.';
    const exact = await provider.verify(
      { text, rules: [{ kind: 'required-field', name: 'Invoice number', pattern: 'INV-\\d+' }], asOf: '2025-01-11T00:00:00Z' },
      ctx(),
    );
    expect(exact.output).toMatchObject({ passed: true, confidence: 0.95 });
    expect(fake.requestsTo('chat')).toHaveLength(0);

    fake.enqueue('chat', {
      kind: 'ok',
      content: { sections: [{ name: 'Payment terms', present: true, evidence: 'Payment is due in 30 days.' }], confidence: 0.8 },
    });
    const judged = await provider.verify(
      { text, rules: [{ kind: 'required-section', name: 'Payment terms' }, { kind: 'max-age-days', days: 5 }], asOf: '2025-02-01T00:00:00Z' },
      ctx(),
    );
    expect(judged.output.results.map((r) => r.passed)).toEqual([true, false]);
    expect(judged.output.confidence).toBe(0.8);
    expect(fake.requestsTo('chat')).toHaveLength(1);
  });
});

describe('OpenAI provider: embeddings', () => {
  it('hosted: asks for 384 dimensions and decodes the SDK-default base64 into floats', async () => {
    const { output, usage } = await hosted().embed({ texts: ['first text', 'second text here'] }, ctx());

    expect(output.embeddings).toHaveLength(2);
    expect(output.embeddings[0]).toHaveLength(EMBEDDING_DIM);
    expect(output.embeddings[0]?.every((v) => Number.isFinite(v))).toBe(true);
    expect(output.embeddings[0]).not.toEqual(output.embeddings[1]);
    expect(usage.inputTokens).toBe(5);
    expect(fake.requestsTo('embeddings')[0]?.json).toMatchObject({ dimensions: 384, encoding_format: 'base64' });
  });

  it('self-hosted: sends encoding_format float and reads plain float arrays', async () => {
    const selfHosted = new OpenAiProvider({
      baseURL: fake.baseURL,
      apiKey: 'sk-test',
      models: { embed: 'bge-small-en-v1.5' },
      selfHosted: true,
      maxRetries: 0,
    });
    const { output } = await selfHosted.embed({ texts: ['first text'] }, ctx());

    const hostedVector = (await hosted().embed({ texts: ['first text'] }, ctx())).output.embeddings[0] ?? [];
    // Same vector either way: float32 from base64 vs JSON floats the server rounded to float32.
    expect(output.embeddings[0]?.map((v) => Math.fround(v))).toEqual(hostedVector);
    expect(fake.requestsTo('embeddings')[0]?.json).toMatchObject({ encoding_format: 'float', dimensions: 384, model: 'bge-small-en-v1.5' });
    expect(selfHosted.locality).toBe('self-hosted');
    expect(selfHosted.supports('classify')).toBe(false);
  });

  it('rejects vectors of another dimension (a server that ignores `dimensions`)', async () => {
    fake.enqueue('embeddings', { kind: 'ok', dimensions: 768 });
    await expect(hosted().embed({ texts: ['x'] }, ctx())).rejects.toThrow(/768 dimensions, expected 384/);
  });
});

describe('OpenAI provider: transcription', () => {
  it('uploads multipart audio and reads duration and segment confidence from verbose_json', async () => {
    fake.enqueue('transcriptions', { kind: 'ok', text: 'Hello team.', durationSeconds: 61.5 });
    const result = await hosted().transcribe(
      { audio: { bytes: new Uint8Array([1, 2, 3, 4]), mimeType: 'audio/mpeg' } },
      ctx({ idempotencyKey: 'doc-3:transcribe' }),
    );

    expect(result.output).toMatchObject({ text: 'Hello team.', durationSeconds: 61.5 });
    expect(result.output.confidence).toBeCloseTo(Math.exp(-0.2), 5);
    expect(result.usage.audioSeconds).toBe(61.5);
    const [request] = fake.requestsTo('transcriptions');
    expect(request?.form).toMatchObject({ model: 'whisper-1', response_format: 'verbose_json' });
    expect(request?.files?.file).toMatchObject({ name: 'audio.mp3', type: 'audio/mpeg', size: 4 });
    expect(request?.headers['idempotency-key']).toBe('doc-3:transcribe');
  });
});
