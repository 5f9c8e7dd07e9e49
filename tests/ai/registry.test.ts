import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AiConfigError } from '@/lib/ai/errors';
import { computeCostMicros } from '@/lib/ai/prices';
import { createProvidersFromEnv, defaultPolicy, describeProviders, type AiEnv } from '@/lib/ai/registry';
import { createAiRouter, type AiUsageRow } from '@/lib/ai/router';
import { startAssemblyAiFake, type AssemblyAiFake } from '@/tests/fakes/assemblyai-fake';
import { startOpenAiFake, type OpenAiFake } from '@/tests/fakes/openai-fake';

const full: AiEnv = {
  OPENAI_API_KEY: 'sk-test',
  ASSEMBLYAI_API_KEY: 'aai-test-key',
  SELF_HOSTED_AI_URL: 'http://127.0.0.1:9/v1',
  SELF_HOSTED_AI_MODEL: 'llama-3.1-8b-instruct',
  SELF_HOSTED_AI_EMBED_MODEL: 'bge-small-en-v1.5',
  SELF_HOSTED_AI_TRANSCRIBE_MODEL: 'Systran/faster-whisper-small',
};

describe('createProvidersFromEnv', () => {
  it('offers only the offline provider with no configuration, treating blank values as unset', () => {
    const providers = createProvidersFromEnv({ OPENAI_API_KEY: '', SELF_HOSTED_AI_URL: ' ' });
    expect(Object.keys(providers)).toEqual(['offline']);
    expect(describeProviders(providers)).toBe('ai: offline (in-process; classical, lower quality, no speech-to-text)');
  });

  it('adds openai, self-hosted and assemblyai when configured', () => {
    const providers = createProvidersFromEnv(full);
    expect(Object.keys(providers).sort()).toEqual(['assemblyai', 'offline', 'openai', 'self-hosted']);
    expect(providers['self-hosted']?.locality).toBe('self-hosted');
    expect(providers.openai?.locality).toBe('hosted');
    expect(providers.openai?.modelFor('embed')).toBe('text-embedding-3-small');
    expect(describeProviders(providers)).toContain('self-hosted (self-hosted; chat, embed, transcribe)');
  });

  it('fails fast, saying what to fix, on a self-hosted URL without models or a malformed URL', () => {
    expect(() => createProvidersFromEnv({ SELF_HOSTED_AI_URL: 'http://gpu:8000/v1' })).toThrow(/SELF_HOSTED_AI_MODEL/);
    expect(() => createProvidersFromEnv({ OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: 'not a url' })).toThrow(AiConfigError);
  });
});

describe('defaultPolicy', () => {
  const providers = createProvidersFromEnv(full);
  const offlineOnly = createProvidersFromEnv({});

  it('prefers assemblyai > self-hosted > openai for transcription', () => {
    expect(defaultPolicy('transcribe', providers)).toMatchObject({ primary: 'assemblyai', fallback: ['self-hosted', 'openai'] });
    expect(defaultPolicy('transcribe', offlineOnly)).toMatchObject({ primary: 'offline', fallback: [] });
  });

  it('pins embeddings to one provider: never a fallback, never escalated on confidence', () => {
    expect(defaultPolicy('embed', providers)).toMatchObject({ primary: 'self-hosted', fallback: [], confidenceThreshold: 0 });
    const hostedOnly = createProvidersFromEnv({ OPENAI_API_KEY: 'sk' });
    expect(defaultPolicy('embed', hostedOnly)).toMatchObject({ primary: 'openai', fallback: [] });
    expect(defaultPolicy('embed', offlineOnly)).toMatchObject({ primary: 'offline', fallback: [] });
  });

  it('uses the best chat provider with offline as the last fallback', () => {
    expect(defaultPolicy('classify', providers)).toMatchObject({ primary: 'openai', fallback: ['self-hosted', 'offline'] });
    expect(defaultPolicy('answer', offlineOnly)).toMatchObject({ primary: 'offline', fallback: [] });
  });

  it('in privacy mode chooses only self-hosted or in-process providers', () => {
    expect(defaultPolicy('classify', providers, { privacyMode: true })).toMatchObject({
      primary: 'self-hosted',
      fallback: ['offline'],
      privacyMode: true,
    });
    expect(defaultPolicy('transcribe', providers, { privacyMode: true })).toMatchObject({ primary: 'self-hosted', fallback: [] });
  });
});

describe('registry + router end to end against the fakes', () => {
  let openai: OpenAiFake;
  let assembly: AssemblyAiFake;

  beforeAll(async () => {
    [openai, assembly] = await Promise.all([startOpenAiFake({ apiKey: 'sk-test' }), startAssemblyAiFake()]);
  });
  afterAll(async () => {
    await Promise.all([openai.close(), assembly.close()]);
  });

  it('transcribes through assemblyai and embeds through openai with default policies, recording costs', async () => {
    const providers = createProvidersFromEnv(
      {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: openai.baseURL,
        ASSEMBLYAI_API_KEY: assembly.apiKey,
        ASSEMBLYAI_BASE_URL: assembly.url,
      },
      { openaiMaxRetries: 0, assemblyaiPollingIntervalMs: 5 },
    );
    const rows: AiUsageRow[] = [];
    const router = createAiRouter({
      providers,
      policyFor: (_tenant, op) => defaultPolicy(op, providers),
      recordUsage: (row) => {
        rows.push(row);
      },
    });
    const ctx = { tenantId: randomUUID(), idempotencyKey: 'doc-9' };

    const transcript = await router.run('transcribe', { audio: { bytes: new Uint8Array([1, 2, 3]), mimeType: 'audio/wav' } }, ctx);
    const vectors = await router.run('embed', { texts: [transcript.output.text] }, ctx);

    expect(transcript.provider).toBe('assemblyai');
    expect(vectors.provider).toBe('openai');
    expect(vectors.output.embeddings[0]).toHaveLength(384);
    expect(rows.map((r) => [r.operation, r.provider, r.outcome])).toEqual([
      ['transcribe', 'assemblyai', 'ok'],
      ['embed', 'openai', 'ok'],
    ]);
    expect(rows[0]).toMatchObject({ audioSeconds: 42, documentId: null });
    expect(rows[0]?.costMicros).toBe(computeCostMicros({ provider: 'assemblyai', model: 'best', inputTokens: 0, outputTokens: 0, audioSeconds: 42 }));
  });
});

describe('computeCostMicros', () => {
  const usage = { inputTokens: 0, outputTokens: 0, audioSeconds: 0 };

  it('prices tokens per 1k and audio per second in integer micro-dollars, rounding up', () => {
    expect(computeCostMicros({ ...usage, provider: 'openai', model: 'gpt-4o-mini', inputTokens: 1000, outputTokens: 1000 })).toBe(750);
    expect(computeCostMicros({ ...usage, provider: 'openai', model: 'gpt-4o-mini', inputTokens: 1 })).toBe(1);
    expect(computeCostMicros({ ...usage, provider: 'openai', model: 'whisper-1', audioSeconds: 60 })).toBe(6_000);
    expect(computeCostMicros({ ...usage, provider: 'assemblyai', model: 'best', audioSeconds: 3600 })).toBe(370_000);
  });

  it('is zero for offline and self-hosted, and never zero for an unknown hosted model', () => {
    expect(computeCostMicros({ ...usage, provider: 'offline', model: 'keyword-profile-v1', inputTokens: 5000 })).toBe(0);
    expect(computeCostMicros({ ...usage, provider: 'self-hosted', model: 'llama', inputTokens: 5000 })).toBe(0);
    expect(computeCostMicros({ ...usage, provider: 'openai', model: 'gpt-9-preview', inputTokens: 1000 })).toBe(2_500);
  });
});
