import type { AiOperation, ProviderUsage } from '@/lib/ai/types';

export type AiErrorCode =
  | 'transcription_unavailable'
  | 'unsupported_operation'
  | 'malformed_output'
  | 'provider_error'
  | 'timeout'
  | 'aborted'
  | 'no_eligible_provider'
  | 'all_providers_failed'
  | 'invalid_input'
  | 'resource_limit'
  | 'config';

// `retryable` answers one question for callers: can trying again later (same input, same config) succeed?
export class AiError extends Error {
  readonly code: AiErrorCode;
  readonly retryable: boolean;

  constructor(code: AiErrorCode, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AiError';
    this.code = code;
    this.retryable = options.retryable;
  }
}

// The offline provider has no speech-to-text. Retryable: once a provider is configured, a retry succeeds.
export class TranscriptionUnavailableError extends AiError {
  constructor() {
    super(
      'transcription_unavailable',
      'Audio transcription needs a transcription provider: set ASSEMBLYAI_API_KEY or SELF_HOSTED_AI_URL ' +
        '(with SELF_HOSTED_AI_TRANSCRIBE_MODEL) or OPENAI_API_KEY.',
      { retryable: true },
    );
    this.name = 'TranscriptionUnavailableError';
  }
}

export class UnsupportedOperationError extends AiError {
  constructor(provider: string, op: AiOperation) {
    super('unsupported_operation', `Provider ${provider} does not support ${op}.`, { retryable: false });
    this.name = 'UnsupportedOperationError';
  }
}

// The model answered, but not in the agreed shape: escalate rather than trust it.
export class ModelOutputError extends AiError {
  // Tokens spent on a reply that was then rejected are still billed, so the usage row needs them.
  readonly usage: ProviderUsage | undefined;

  constructor(provider: string, detail: string, options: { cause?: unknown; usage?: ProviderUsage } = {}) {
    super('malformed_output', `Provider ${provider} returned malformed output: ${detail}`, {
      retryable: true,
      cause: options.cause,
    });
    this.name = 'ModelOutputError';
    this.usage = options.usage;
  }
}

export class InvalidAiInputError extends AiError {
  constructor(op: AiOperation, detail: string) {
    super('invalid_input', `Invalid input for ${op}: ${detail}`, { retryable: false });
    this.name = 'InvalidAiInputError';
  }
}

export class ProviderTimeoutError extends AiError {
  constructor(provider: string, timeoutMs: number) {
    super('timeout', `Provider ${provider} did not answer within ${timeoutMs} ms.`, { retryable: true });
    this.name = 'ProviderTimeoutError';
  }
}

export class AiAbortedError extends AiError {
  constructor() {
    super('aborted', 'The AI call was aborted by the caller.', { retryable: true });
    this.name = 'AiAbortedError';
  }
}

// The work for this input ran out of memory or time where it runs (the pipeline worker): the same input fails
// the same way again, and it says nothing about the provider's health.
export class AiResourceLimitError extends AiError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('resource_limit', message, { retryable: false, cause: options.cause });
    this.name = 'AiResourceLimitError';
  }
}

export class NoEligibleProviderError extends AiError {
  constructor(op: AiOperation, reasons: string[]) {
    super('no_eligible_provider', `No eligible provider for ${op}: ${reasons.join('; ')}.`, { retryable: false });
    this.name = 'NoEligibleProviderError';
  }
}

export class AiConfigError extends AiError {
  constructor(message: string) {
    super('config', message, { retryable: false });
    this.name = 'AiConfigError';
  }
}

export interface FailedAttempt {
  provider: string;
  outcome: 'error' | 'timeout' | 'skipped';
  message: string;
}

export class AllProvidersFailedError extends AiError {
  readonly attempts: readonly FailedAttempt[];

  constructor(op: AiOperation, attempts: readonly FailedAttempt[], cause: unknown) {
    const summary = attempts.map((a) => `${a.provider}: ${a.outcome} (${a.message})`).join('; ');
    super('all_providers_failed', `Every provider failed for ${op}: ${summary}`, { retryable: true, cause });
    this.name = 'AllProvidersFailedError';
    this.attempts = attempts;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
