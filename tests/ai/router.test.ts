import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AiAbortedError,
  AllProvidersFailedError,
  InvalidAiInputError,
  NoEligibleProviderError,
  TranscriptionUnavailableError,
} from '@/lib/ai/errors';
import { computeCostMicros } from '@/lib/ai/prices';
import { OfflineProvider } from '@/lib/ai/providers/offline';
import { OpenAiProvider } from '@/lib/ai/providers/openai';
import { aiUsageRowSchema, createAiRouter, type AiPolicy, type AiUsageRow } from '@/lib/ai/router';
import type { AiOperation } from '@/lib/ai/types';
import { startOpenAiFake, type OpenAiFake } from '@/tests/fakes/openai-fake';

let hostedFake: OpenAiFake;
let gpuFake: OpenAiFake;

beforeAll(async () => {
  [hostedFake, gpuFake] = await Promise.all([startOpenAiFake(), startOpenAiFake()]);
});
afterAll(async () => {
  await Promise.all([hostedFake.close(), gpuFake.close()]);
});

const tenantId = randomUUID();
const documentId = randomUUID();
const summaryText = 'Revenue grew in the second quarter. Costs fell. The team hired two engineers. Churn was flat.';

interface Harness {
  rows: AiUsageRow[];
  clock: { now: number };
  router: ReturnType<typeof createAiRouter>;
}

function harness(policy: Partial<AiPolicy> & Pick<AiPolicy, 'primary'>, breaker = { failureThreshold: 3, cooldownMs: 1_000 }): Harness {
  const rows: AiUsageRow[] = [];
  const clock = { now: 1_000_000 };
  const providers = {
    offline: new OfflineProvider(),
    openai: new OpenAiProvider({
      apiKey: 'sk-test',
      baseURL: hostedFake.baseURL,
      models: { chat: 'gpt-4o-mini', embed: 'text-embedding-3-small', transcribe: 'whisper-1' },
      selfHosted: false,
      maxRetries: 0,
    }),
    'self-hosted': new OpenAiProvider({
      baseURL: gpuFake.baseURL,
      models: { chat: 'llama-3.1-8b-instruct', embed: 'bge-small-en-v1.5' },
      selfHosted: true,
      maxRetries: 0,
    }),
  };
  const fullPolicy: AiPolicy = { confidenceThreshold: 0.4, timeoutMs: 5_000, privacyMode: false, ...policy };
  const router = createAiRouter({
    providers,
    policyFor: (t: string, op: AiOperation) => {
      expect(t).toBe(tenantId);
      expect(op).toBeTypeOf('string');
      return fullPolicy;
    },
    recordUsage: (row) => {
      rows.push(aiUsageRowSchema.parse(row));
    },
    now: () => clock.now,
    breaker,
  });
  return { rows, clock, router };
}

const run = { tenantId, documentId, idempotencyKey: `${documentId}:summarize` };

beforeEach(() => {
  for (const fake of [hostedFake, gpuFake]) {
    fake.requests.length = 0;
    fake.setDefault('chat', { kind: 'ok', content: { summary: 'Fine.', confidence: 0.9 } });
  }
});

describe('AI router: choosing and escalating', () => {
  it('returns the primary result and records one priced usage row', async () => {
    const { router, rows } = harness({ primary: 'openai', fallback: ['offline'] });
    const result = await router.run('summarize', { text: summaryText }, run);

    expect(result).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', lowConfidence: false, escalated: false });
    expect(result.output).toEqual({ summary: 'Fine.', confidence: 0.9 });
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({ tenantId, documentId, operation: 'summarize', provider: 'openai', outcome: 'ok', escalated: false });
    expect(row?.inputTokens).toBeGreaterThan(0);
    expect(row?.costMicros).toBe(computeCostMicros({ provider: 'openai', model: 'gpt-4o-mini', inputTokens: row?.inputTokens ?? 0, outputTokens: row?.outputTokens ?? 0, audioSeconds: 0 }));
    expect(row?.costMicros).toBeGreaterThan(0);
    expect(hostedFake.requestsTo('chat')[0]?.headers['idempotency-key']).toBe(`${documentId}:summarize:summarize:openai`);
  });

  it('escalates on a provider error', async () => {
    hostedFake.enqueue('chat', { kind: 'server-error' });
    const { router, rows } = harness({ primary: 'openai', fallback: ['offline'] });
    const result = await router.run('summarize', { text: summaryText }, run);

    expect(result).toMatchObject({ provider: 'offline', escalated: true, lowConfidence: false });
    expect(rows.map((r) => [r.provider, r.outcome, r.escalated])).toEqual([
      ['openai', 'error', false],
      ['offline', 'ok', true],
    ]);
    expect(rows[0]?.error).toMatch(/500/);
    expect(rows[1]?.costMicros).toBe(0);
  });

  it('escalates on a timeout', async () => {
    hostedFake.enqueue('chat', { kind: 'hang' });
    const { router, rows } = harness({ primary: 'openai', fallback: ['offline'], timeoutMs: 200 });
    const result = await router.run('summarize', { text: summaryText }, run);

    expect(result.provider).toBe('offline');
    expect(rows.map((r) => [r.provider, r.outcome])).toEqual([
      ['openai', 'timeout'],
      ['offline', 'ok'],
    ]);
  });

  it('escalates on malformed output and still bills the tokens spent on it', async () => {
    hostedFake.enqueue('chat', { kind: 'malformed' });
    const { router, rows } = harness({ primary: 'openai', fallback: ['offline'] });
    await router.run('summarize', { text: summaryText }, run);

    expect(rows[0]).toMatchObject({ provider: 'openai', outcome: 'error' });
    expect(rows[0]?.outputTokens).toBeGreaterThan(0);
    expect(rows[0]?.costMicros).toBeGreaterThan(0);
  });

  it('escalates on confidence below the threshold', async () => {
    hostedFake.enqueue('chat', { kind: 'ok', content: { summary: 'Unsure.', confidence: 0.2 } });
    const { router, rows } = harness({ primary: 'openai', fallback: ['self-hosted', 'offline'], confidenceThreshold: 0.6 });
    const result = await router.run('summarize', { text: summaryText }, run);

    expect(result).toMatchObject({ provider: 'self-hosted', lowConfidence: false, escalated: true, confidence: 0.9 });
    expect(rows.map((r) => [r.provider, r.outcome])).toEqual([
      ['openai', 'low_confidence'],
      ['self-hosted', 'ok'],
    ]);
  });

  it('returns the most confident result flagged lowConfidence when every provider is below the threshold', async () => {
    hostedFake.enqueue('chat', { kind: 'ok', content: { summary: 'Hosted.', confidence: 0.3 } });
    gpuFake.enqueue('chat', { kind: 'ok', content: { summary: 'Self-hosted.', confidence: 0.7 } });
    const { router, rows } = harness({ primary: 'openai', fallback: ['self-hosted', 'offline'], confidenceThreshold: 0.95 });
    const result = await router.run('summarize', { text: summaryText }, run);

    expect(result).toMatchObject({ provider: 'self-hosted', lowConfidence: true, confidence: 0.7 });
    expect(result.output.summary).toBe('Self-hosted.');
    expect(rows.map((r) => r.outcome)).toEqual(['low_confidence', 'low_confidence', 'low_confidence']);
    expect(result.attempts.map((a) => a.provider)).toEqual(['openai', 'self-hosted', 'offline']);
  });

  it('throws AllProvidersFailedError listing every attempt when all fail', async () => {
    hostedFake.enqueue('chat', { kind: 'server-error' });
    gpuFake.enqueue('chat', { kind: 'malformed' });
    const { router, rows } = harness({ primary: 'openai', fallback: ['self-hosted'] });
    const error = await router.run('summarize', { text: summaryText }, run).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AllProvidersFailedError);
    expect(error instanceof AllProvidersFailedError && error.attempts.map((a) => a.provider)).toEqual(['openai', 'self-hosted']);
    expect(error).toMatchObject({ retryable: true });
    expect(rows).toHaveLength(2);
  });

  it('stops at once when the caller aborts, without escalating', async () => {
    hostedFake.enqueue('chat', { kind: 'hang' });
    const { router, rows } = harness({ primary: 'openai', fallback: ['offline'] });
    const controller = new AbortController();
    const pending = router.run('summarize', { text: summaryText }, { ...run, signal: controller.signal }).catch((e: unknown) => e);
    await expect.poll(() => hostedFake.requestsTo('chat').length).toBe(1);
    controller.abort();

    expect(await pending).toBeInstanceOf(AiAbortedError);
    expect(rows.map((r) => [r.provider, r.outcome])).toEqual([['openai', 'error']]);
  });

  it('rejects invalid input before calling anyone', async () => {
    const { router, rows } = harness({ primary: 'openai' });
    await expect(router.run('embed', { texts: [] }, run)).rejects.toBeInstanceOf(InvalidAiInputError);
    expect(rows).toEqual([]);
    expect(hostedFake.requests).toEqual([]);
  });
});

describe('AI router: circuit breaker', () => {
  it('opens after consecutive failures, skips the provider, and closes again after a successful half-open trial', async () => {
    hostedFake.setDefault('chat', { kind: 'server-error' });
    const { router, rows, clock } = harness({ primary: 'openai', fallback: ['offline'] });
    for (let i = 0; i < 3; i++) await router.run('summarize', { text: summaryText }, run);
    expect(hostedFake.requestsTo('chat')).toHaveLength(3);
    expect(router.circuitState('openai')).toBe('open');

    rows.length = 0;
    const skipped = await router.run('summarize', { text: summaryText }, run);
    expect(hostedFake.requestsTo('chat')).toHaveLength(3);
    expect(skipped.attempts[0]).toMatchObject({ provider: 'openai', outcome: 'skipped', error: 'circuit open' });
    expect(skipped).toMatchObject({ provider: 'offline', escalated: true });
    expect(rows.map((r) => r.provider)).toEqual(['offline']);

    clock.now += 1_000;
    expect(router.circuitState('openai')).toBe('half-open');
    hostedFake.setDefault('chat', { kind: 'ok', content: { summary: 'Back.', confidence: 0.9 } });
    const recovered = await router.run('summarize', { text: summaryText }, run);
    expect(recovered.provider).toBe('openai');
    expect(router.circuitState('openai')).toBe('closed');
  });

  it('re-opens when the half-open trial fails', async () => {
    hostedFake.setDefault('chat', { kind: 'server-error' });
    const { router, clock } = harness({ primary: 'openai', fallback: ['offline'] });
    for (let i = 0; i < 3; i++) await router.run('summarize', { text: summaryText }, run);
    clock.now += 1_000;
    await router.run('summarize', { text: summaryText }, run);
    expect(hostedFake.requestsTo('chat')).toHaveLength(4);
    expect(router.circuitState('openai')).toBe('open');
  });

  it('does not count a missing transcription capability as a provider failure', async () => {
    const { router, rows } = harness({ primary: 'offline' });
    for (let i = 0; i < 5; i++) {
      const error = await router
        .run('transcribe', { audio: { bytes: new Uint8Array([1]), mimeType: 'audio/wav' } }, run)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TranscriptionUnavailableError);
    }
    expect(router.circuitState('offline')).toBe('closed');
    expect(rows.every((r) => r.provider === 'offline' && r.outcome === 'error' && r.costMicros === 0)).toBe(true);
  });
});

describe('AI router: privacy mode', () => {
  it('never calls a hosted API, even when the policy names one first', async () => {
    const { router, rows } = harness({ primary: 'openai', fallback: ['self-hosted', 'offline'], privacyMode: true });
    const result = await router.run('summarize', { text: summaryText }, run);
    await router.run('embed', { texts: ['private text'] }, run);

    expect(result.provider).toBe('self-hosted');
    expect(hostedFake.requests).toEqual([]);
    expect(gpuFake.requests.length).toBe(2);
    expect(rows.every((r) => r.provider !== 'openai')).toBe(true);
  });

  it('fails with NoEligibleProviderError when only hosted providers are configured for the operation', async () => {
    const { router, rows } = harness({ primary: 'openai', privacyMode: true });
    const error = await router.run('summarize', { text: summaryText }, run).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NoEligibleProviderError);
    expect(String(error)).toMatch(/hosted API \(privacy mode\)/);
    expect(hostedFake.requests).toEqual([]);
    expect(rows).toEqual([]);
  });

  it('skips providers that lack the operation', async () => {
    const { router } = harness({ primary: 'self-hosted', fallback: ['openai'] });
    const result = await router.run('transcribe', { audio: { bytes: new Uint8Array([1, 2]), mimeType: 'audio/wav' } }, run);
    expect(result.provider).toBe('openai');
    expect(result.escalated).toBe(false);
    expect(gpuFake.requests).toEqual([]);
  });
});
