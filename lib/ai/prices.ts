// Prices in micro-dollars (1e-6 USD): per 1,000 input tokens, per 1,000 output tokens, per second of audio.
// List prices at the time of writing; check the vendors' pricing pages when changing models.
export interface Price {
  inputPer1k: number;
  outputPer1k: number;
  perAudioSecond: number;
}

export interface ProviderPrices {
  models: Record<string, Price>;
  // For a model missing from `models`. Hosted providers default to a high price so cost is never under-reported.
  fallback: Price;
}

export type PriceTable = Record<string, ProviderPrices>;

const FREE: Price = { inputPer1k: 0, outputPer1k: 0, perAudioSecond: 0 };

function tokens(inputPer1k: number, outputPer1k: number): Price {
  return { inputPer1k, outputPer1k, perAudioSecond: 0 };
}

function audioPerHourUsd(usd: number): Price {
  return { inputPer1k: 0, outputPer1k: 0, perAudioSecond: (usd * 1_000_000) / 3600 };
}

function audioPerMinuteUsd(usd: number): Price {
  return { inputPer1k: 0, outputPer1k: 0, perAudioSecond: (usd * 1_000_000) / 60 };
}

export const DEFAULT_PRICES: PriceTable = {
  offline: { models: {}, fallback: FREE },
  // Self-hosted GPUs are a fixed cost, not metered per call; override per deployment if it is charged back.
  'self-hosted': { models: {}, fallback: FREE },
  openai: {
    models: {
      'gpt-4o-mini': tokens(150, 600),
      'gpt-4o': tokens(2_500, 10_000),
      'gpt-4.1': tokens(2_000, 8_000),
      'gpt-4.1-mini': tokens(400, 1_600),
      'gpt-4.1-nano': tokens(100, 400),
      'text-embedding-3-small': tokens(20, 0),
      'text-embedding-3-large': tokens(130, 0),
      'whisper-1': audioPerMinuteUsd(0.006),
      'gpt-4o-transcribe': audioPerMinuteUsd(0.006),
      'gpt-4o-mini-transcribe': audioPerMinuteUsd(0.003),
    },
    fallback: { inputPer1k: 2_500, outputPer1k: 10_000, perAudioSecond: 100 },
  },
  assemblyai: {
    models: {
      best: audioPerHourUsd(0.37),
      universal: audioPerHourUsd(0.37),
      'slam-1': audioPerHourUsd(0.37),
      nano: audioPerHourUsd(0.12),
    },
    fallback: audioPerHourUsd(0.37),
  },
};

export function priceFor(provider: string, model: string, table: PriceTable = DEFAULT_PRICES): Price {
  const entry = table[provider];
  if (entry === undefined) return FREE;
  return entry.models[model] ?? entry.fallback;
}

export interface CostInput {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  audioSeconds: number;
}

// Integer micro-dollars, rounded up: a call that cost anything never records as free.
export function computeCostMicros(usage: CostInput, table: PriceTable = DEFAULT_PRICES): number {
  const price = priceFor(usage.provider, usage.model, table);
  const cost =
    (usage.inputTokens / 1000) * price.inputPer1k +
    (usage.outputTokens / 1000) * price.outputPer1k +
    usage.audioSeconds * price.perAudioSecond;
  // Float noise (0.1 + 0.2) must not round 0.30000000000000004 up to 1.
  return Math.ceil(Math.round(cost * 1e6) / 1e6);
}
