import { z } from 'zod';
import { AiConfigError } from '@/lib/ai/errors';
import { ASSEMBLYAI_PROVIDER, AssemblyAiProvider } from '@/lib/ai/providers/assemblyai';
import { OFFLINE_PROVIDER, OfflineProvider } from '@/lib/ai/providers/offline';
import { OPENAI_DEFAULT_MODELS, OpenAiProvider } from '@/lib/ai/providers/openai';
import type { AiPolicy } from '@/lib/ai/router';
import type { AiOperation, AiProvider } from '@/lib/ai/types';

export const OPENAI_PROVIDER = 'openai';
export const SELF_HOSTED_PROVIDER = 'self-hosted';
export type ProviderName =
  | typeof OFFLINE_PROVIDER
  | typeof OPENAI_PROVIDER
  | typeof SELF_HOSTED_PROVIDER
  | typeof ASSEMBLYAI_PROVIDER;

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const optionalUrl = optionalText.pipe(z.url({ protocol: /^https?$/ }).optional());

// Blank values mean unset (as in .env files). The lead's lib/env.ts may pass its parsed env straight in.
export const aiEnvSchema = z.object({
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_CHAT_MODEL: optionalText,
  OPENAI_EMBED_MODEL: optionalText,
  OPENAI_TRANSCRIBE_MODEL: optionalText,
  ASSEMBLYAI_API_KEY: optionalText,
  ASSEMBLYAI_BASE_URL: optionalUrl,
  // Base URL of an OpenAI-compatible server, including its /v1 prefix (vLLM, TEI, faster-whisper-server, Ollama).
  SELF_HOSTED_AI_URL: optionalUrl,
  SELF_HOSTED_AI_KEY: optionalText,
  SELF_HOSTED_AI_MODEL: optionalText,
  SELF_HOSTED_AI_EMBED_MODEL: optionalText,
  SELF_HOSTED_AI_EMBED_URL: optionalUrl,
  SELF_HOSTED_AI_TRANSCRIBE_MODEL: optionalText,
  SELF_HOSTED_AI_TRANSCRIBE_URL: optionalUrl,
});
export type AiEnv = z.input<typeof aiEnvSchema>;

export interface ProviderRegistryOptions {
  openaiMaxRetries?: number;
  assemblyaiPollingIntervalMs?: number;
}

export type AiProviders = { offline: AiProvider } & Partial<Record<ProviderName, AiProvider>>;

export function createProvidersFromEnv(env: AiEnv, options: ProviderRegistryOptions = {}): AiProviders {
  const parsed = aiEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new AiConfigError(`Invalid AI configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  const providers: AiProviders = { offline: new OfflineProvider() };
  const retries = options.openaiMaxRetries === undefined ? {} : { maxRetries: options.openaiMaxRetries };

  if (e.OPENAI_API_KEY !== undefined) {
    providers.openai = new OpenAiProvider({
      apiKey: e.OPENAI_API_KEY,
      ...(e.OPENAI_BASE_URL === undefined ? {} : { baseURL: e.OPENAI_BASE_URL }),
      models: {
        chat: e.OPENAI_CHAT_MODEL ?? OPENAI_DEFAULT_MODELS.chat,
        embed: e.OPENAI_EMBED_MODEL ?? OPENAI_DEFAULT_MODELS.embed,
        transcribe: e.OPENAI_TRANSCRIBE_MODEL ?? OPENAI_DEFAULT_MODELS.transcribe,
      },
      selfHosted: false,
      ...retries,
    });
  }

  if (e.SELF_HOSTED_AI_URL !== undefined) {
    const models = {
      ...(e.SELF_HOSTED_AI_MODEL === undefined ? {} : { chat: e.SELF_HOSTED_AI_MODEL }),
      ...(e.SELF_HOSTED_AI_EMBED_MODEL === undefined ? {} : { embed: e.SELF_HOSTED_AI_EMBED_MODEL }),
      ...(e.SELF_HOSTED_AI_TRANSCRIBE_MODEL === undefined ? {} : { transcribe: e.SELF_HOSTED_AI_TRANSCRIBE_MODEL }),
    };
    // A self-hosted server has no default model names to fall back on: say what is missing.
    if (Object.keys(models).length === 0) {
      throw new AiConfigError(
        'SELF_HOSTED_AI_URL is set but no model is: set SELF_HOSTED_AI_MODEL (chat), SELF_HOSTED_AI_EMBED_MODEL ' +
          'and/or SELF_HOSTED_AI_TRANSCRIBE_MODEL to the model names your server serves.',
      );
    }
    providers['self-hosted'] = new OpenAiProvider({
      name: SELF_HOSTED_PROVIDER,
      ...(e.SELF_HOSTED_AI_KEY === undefined ? {} : { apiKey: e.SELF_HOSTED_AI_KEY }),
      baseURL: e.SELF_HOSTED_AI_URL,
      endpoints: {
        ...(e.SELF_HOSTED_AI_EMBED_URL === undefined ? {} : { embed: e.SELF_HOSTED_AI_EMBED_URL }),
        ...(e.SELF_HOSTED_AI_TRANSCRIBE_URL === undefined ? {} : { transcribe: e.SELF_HOSTED_AI_TRANSCRIBE_URL }),
      },
      models,
      selfHosted: true,
      ...retries,
    });
  }

  if (e.ASSEMBLYAI_API_KEY !== undefined) {
    providers.assemblyai = new AssemblyAiProvider({
      apiKey: e.ASSEMBLYAI_API_KEY,
      ...(e.ASSEMBLYAI_BASE_URL === undefined ? {} : { baseUrl: e.ASSEMBLYAI_BASE_URL }),
      ...(options.assemblyaiPollingIntervalMs === undefined
        ? {}
        : { pollingIntervalMs: options.assemblyaiPollingIntervalMs }),
    });
  }
  return providers;
}

// One line for the startup log: which AI backends serve which operations.
export function describeProviders(providers: AiProviders): string {
  const parts = Object.values(providers).flatMap((p) => {
    if (p === undefined) return [];
    if (p.name === OFFLINE_PROVIDER) return ['offline (in-process; classical, lower quality, no speech-to-text)'];
    const capabilities = [
      p.supports('classify') ? 'chat' : undefined,
      p.supports('embed') ? 'embed' : undefined,
      p.supports('transcribe') ? 'transcribe' : undefined,
    ].filter((c) => c !== undefined);
    return [`${p.name} (${p.locality}; ${capabilities.join(', ')})`];
  });
  return `ai: ${parts.join(' · ')}`;
}

const THRESHOLDS: Record<AiOperation, number> = {
  transcribe: 0.5,
  // Embeddings never escalate on confidence: see defaultPolicy.
  embed: 0,
  classify: 0.6,
  verify: 0.5,
  summarize: 0.4,
  'extract-actions': 0.4,
  answer: 0.5,
};

const TIMEOUTS_MS: Record<AiOperation, number> = {
  // AssemblyAI transcribes asynchronously; an hour of audio takes minutes.
  transcribe: 15 * 60_000,
  embed: 30_000,
  classify: 60_000,
  verify: 60_000,
  summarize: 90_000,
  'extract-actions': 90_000,
  answer: 60_000,
};

const PREFERENCE: Record<'transcribe' | 'embed' | 'chat', readonly ProviderName[]> = {
  transcribe: [ASSEMBLYAI_PROVIDER, SELF_HOSTED_PROVIDER, OPENAI_PROVIDER],
  embed: [SELF_HOSTED_PROVIDER, OPENAI_PROVIDER, OFFLINE_PROVIDER],
  chat: [OPENAI_PROVIDER, SELF_HOSTED_PROVIDER, OFFLINE_PROVIDER],
};

export interface DefaultPolicyOptions {
  privacyMode?: boolean;
}

// The policy a tenant gets until it configures its own (settings/ai).
//
// Embeddings: vectors from different providers (or models) live in different spaces even at the same 384
// dimensions, so mixing them in one index makes search silently wrong. embed therefore never escalates across
// providers (no fallback, threshold 0): if its provider is down the step fails and is retried later. Callers should
// store the provider+model with each vector and pin the tenant's embed policy to it; switching means re-embedding.
export function defaultPolicy(op: AiOperation, available: AiProviders, options: DefaultPolicyOptions = {}): AiPolicy {
  const privacyMode = options.privacyMode ?? false;
  const usable = (name: ProviderName): boolean => {
    const p = available[name];
    return p !== undefined && p.supports(op) && !(privacyMode && p.locality === 'hosted');
  };
  const base = { confidenceThreshold: THRESHOLDS[op], timeoutMs: TIMEOUTS_MS[op], privacyMode };

  if (op === 'embed') {
    const primary = PREFERENCE.embed.find(usable) ?? OFFLINE_PROVIDER;
    return { ...base, primary, fallback: [] };
  }
  if (op === 'transcribe') {
    const chain = PREFERENCE.transcribe.filter(usable);
    // With no speech-to-text provider, offline answers with TranscriptionUnavailableError (retryable).
    const [primary = OFFLINE_PROVIDER, ...fallback] = chain;
    return { ...base, primary, fallback };
  }
  const chain = PREFERENCE.chat.filter(usable);
  const [primary = OFFLINE_PROVIDER, ...fallback] = chain;
  return { ...base, primary, fallback };
}
