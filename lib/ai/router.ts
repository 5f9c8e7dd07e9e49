import { createHash } from 'node:crypto';
import { z } from 'zod';
import { endSpan, runInSpan, startSpan } from '@/lib/tracing';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from '@/lib/ai/circuit-breaker';
import {
  AiAbortedError,
  AiError,
  AllProvidersFailedError,
  InvalidAiInputError,
  ModelOutputError,
  NoEligibleProviderError,
  ProviderTimeoutError,
  TranscriptionUnavailableError,
  describeError,
  type FailedAttempt,
} from '@/lib/ai/errors';
import { DEFAULT_PRICES, computeCostMicros, type PriceTable } from '@/lib/ai/prices';
import {
  ZERO_USAGE,
  aiOperationSchema,
  aiSchemas,
  type AiInput,
  type AiOperation,
  type AiOutput,
  type AiProvider,
  type ProviderCallContext,
  type ProviderOperations,
  type ProviderResult,
  type ProviderUsage,
} from '@/lib/ai/types';

export const aiPolicySchema = z.object({
  primary: z.string().min(1),
  fallback: z.array(z.string().min(1)).optional(),
  // Results below this escalate to the next provider; 0 never escalates on confidence.
  confidenceThreshold: z.number().min(0).max(1),
  timeoutMs: z.number().int().min(1).max(3_600_000),
  // Only in-process and self-hosted providers are eligible: tenant data never reaches a hosted API.
  privacyMode: z.boolean(),
});
export type AiPolicy = z.infer<typeof aiPolicySchema>;

export const aiUsageOutcomeSchema = z.enum(['ok', 'error', 'low_confidence', 'timeout']);
export type AiUsageOutcome = z.infer<typeof aiUsageOutcomeSchema>;

// One row per provider call, failed ones included. Persisted in the `ai_usage` table.
export const aiUsageRowSchema = z.object({
  tenantId: z.uuid(),
  documentId: z.uuid().nullable(),
  operation: aiOperationSchema,
  provider: z.string().min(1),
  model: z.string().min(1),
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  audioSeconds: z.number().min(0),
  costMicros: z.number().int().min(0),
  latencyMs: z.number().int().min(0),
  // True when this call was made because an earlier provider in the chain failed, timed out, was unsure or skipped.
  escalated: z.boolean(),
  outcome: aiUsageOutcomeSchema,
  error: z.string().optional(),
});
export type AiUsageRow = z.infer<typeof aiUsageRowSchema>;

export const aiRunContextSchema = z.object({
  tenantId: z.uuid(),
  documentId: z.uuid().optional(),
  // Stable across retries of the same logical call (e.g. `${documentId}:${step}`); providers dedupe on it.
  idempotencyKey: z.string().min(1).max(500),
});
export type AiRunContext = z.infer<typeof aiRunContextSchema> & { signal?: AbortSignal };

export interface AiAttempt {
  provider: string;
  model: string;
  outcome: AiUsageOutcome | 'skipped';
  latencyMs: number;
  confidence?: number;
  error?: string;
}

export interface AiRunResult<Op extends AiOperation> {
  output: AiOutput<Op>;
  provider: string;
  model: string;
  confidence: number;
  // Every eligible provider answered below the policy's threshold; this is the most confident answer.
  lowConfidence: boolean;
  escalated: boolean;
  attempts: AiAttempt[];
}

export interface AiRouterOptions {
  providers: Readonly<Record<string, AiProvider | undefined>>;
  policyFor: (tenantId: string, op: AiOperation) => AiPolicy | Promise<AiPolicy>;
  recordUsage: (row: AiUsageRow) => void | Promise<void>;
  now?: () => number;
  breaker?: Omit<CircuitBreakerOptions, 'now'>;
  prices?: PriceTable;
}

export interface AiRouter {
  run<Op extends AiOperation>(op: Op, input: AiInput<Op>, ctx: AiRunContext): Promise<AiRunResult<Op>>;
  circuitState(provider: string): CircuitState;
}

// Errors that say nothing about a provider's health must not trip its breaker.
const HEALTH_NEUTRAL = new Set(['transcription_unavailable', 'unsupported_operation', 'invalid_input', 'aborted', 'resource_limit']);

// Re-typed as a mapped type so that indexing with a generic `Op` keeps input and output correlated.
type OperationSchemas = { [Op in AiOperation]: { input: z.ZodType<AiInput<Op>>; output: z.ZodType<AiOutput<Op>> } };
const operationSchemas: OperationSchemas = aiSchemas;

function parseInput<Op extends AiOperation>(op: Op, input: unknown): AiInput<Op> {
  const schema = operationSchemas[op].input;
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidAiInputError(op, z.prettifyError(parsed.error));
  return parsed.data;
}

// Providers are code we own, but a self-hosted model behind one is not: check what comes back, keeping its usage.
function parseOutput<Op extends AiOperation>(op: Op, provider: string, result: ProviderResult<unknown>): AiOutput<Op> {
  const parsed = operationSchemas[op].output.safeParse(result.output);
  if (!parsed.success) {
    throw new ModelOutputError(provider, z.prettifyError(parsed.error), { cause: parsed.error, usage: result.usage });
  }
  return parsed.data;
}

// Per provider, so a key reused by a fallback never collides with the primary's cached response.
function providerIdempotencyKey(key: string, op: AiOperation, provider: string): string {
  const raw = `${key}:${op}:${provider}`;
  return raw.length <= 200 ? raw : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

type CallOutcome<T> =
  | { kind: 'ok'; result: ProviderResult<T> }
  | { kind: 'timeout'; error: ProviderTimeoutError }
  | { kind: 'aborted'; error: AiAbortedError }
  | { kind: 'error'; error: unknown };

// Races the provider against the policy timeout and the caller's signal, so a provider that ignores its
// AbortSignal still cannot hold the pipeline.
async function callWithDeadline<T>(
  call: (ctx: ProviderCallContext) => Promise<ProviderResult<T>>,
  providerName: string,
  timeoutMs: number,
  idempotencyKey: string,
  callerSignal: AbortSignal | undefined,
): Promise<CallOutcome<T>> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onCallerAbort: (() => void) | undefined;
  const deadline = new Promise<CallOutcome<T>>((resolve) => {
    timer = setTimeout(() => {
      const error = new ProviderTimeoutError(providerName, timeoutMs);
      // Settle first, so the provider's own abort rejection cannot win the race.
      resolve({ kind: 'timeout', error });
      controller.abort(error);
    }, timeoutMs);
    onCallerAbort = () => {
      resolve({ kind: 'aborted', error: new AiAbortedError() });
      controller.abort(new AiAbortedError());
    };
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  });
  const attempt = call({ idempotencyKey, signal: controller.signal, timeoutMs }).then(
    (result): CallOutcome<T> => ({ kind: 'ok', result }),
    (error: unknown): CallOutcome<T> => ({ kind: 'error', error }),
  );
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
    if (onCallerAbort) callerSignal?.removeEventListener('abort', onCallerAbort);
  }
}

function usageOf(error: unknown): ProviderUsage {
  return error instanceof ModelOutputError && error.usage ? error.usage : ZERO_USAGE;
}

function usageOutcome(kind: CallOutcome<unknown>['kind'], confidence: number | undefined, threshold: number): AiUsageOutcome {
  if (kind === 'ok') return (confidence ?? 0) >= threshold ? 'ok' : 'low_confidence';
  return kind === 'timeout' ? 'timeout' : 'error';
}

export function createAiRouter(options: AiRouterOptions): AiRouter {
  const now = options.now ?? Date.now;
  const breaker = new CircuitBreaker({ ...options.breaker, now });
  const prices = options.prices ?? DEFAULT_PRICES;

  async function run<Op extends AiOperation>(
    op: Op,
    rawInput: AiInput<Op>,
    ctx: AiRunContext,
  ): Promise<AiRunResult<Op>> {
    const context = aiRunContextSchema.parse(ctx);
    const input = parseInput(op, rawInput);
    const policy = aiPolicySchema.parse(await options.policyFor(context.tenantId, op));

    const reasons: string[] = [];
    const chain: Array<{ provider: AiProvider; method: ProviderOperations[Op] }> = [];
    for (const name of new Set([policy.primary, ...(policy.fallback ?? [])])) {
      const provider = options.providers[name];
      const operations: Partial<ProviderOperations> | undefined = provider;
      const method = operations?.[op];
      if (provider === undefined) {
        reasons.push(`${name} is not configured`);
      } else if (policy.privacyMode && provider.locality === 'hosted') {
        reasons.push(`${name} is a hosted API (privacy mode)`);
      } else if (!provider.supports(op) || method === undefined) {
        reasons.push(`${name} does not support ${op}`);
      } else {
        chain.push({ provider, method });
      }
    }
    if (chain.length === 0) throw new NoEligibleProviderError(op, reasons);

    const attempts: AiAttempt[] = [];
    const failures: FailedAttempt[] = [];
    const errors: unknown[] = [];
    let best: { result: ProviderResult<AiOutput<Op>>; provider: string; escalated: boolean } | undefined;

    for (const [position, { provider, method }] of chain.entries()) {
      if (ctx.signal?.aborted) throw new AiAbortedError();
      const model = provider.modelFor(op);
      if (!breaker.tryAcquire(provider.name)) {
        attempts.push({ provider: provider.name, model, outcome: 'skipped', latencyMs: 0, error: 'circuit open' });
        failures.push({ provider: provider.name, outcome: 'skipped', message: 'circuit open' });
        continue;
      }
      const escalated = position > 0;
      const started = now();
      const span = startSpan(`ai ${op}`, {
        'gen_ai.operation.name': op,
        'gen_ai.provider.name': provider.name,
        'gen_ai.request.model': model,
        'reflex.ai.escalated': escalated,
      });
      const outcome = await runInSpan(span, () =>
        callWithDeadline(
          (callCtx) => method.call(provider, input, callCtx),
          provider.name,
          policy.timeoutMs,
          providerIdempotencyKey(context.idempotencyKey, op, provider.name),
          ctx.signal,
        ),
      );
      const latencyMs = Math.max(0, Math.round(now() - started));

      let checked: CallOutcome<AiOutput<Op>> = outcome;
      if (outcome.kind === 'ok') {
        try {
          const output = parseOutput(op, provider.name, outcome.result);
          checked = { kind: 'ok', result: { ...outcome.result, output } };
        } catch (error) {
          checked = { kind: 'error', error };
        }
      }

      const usage =
        checked.kind === 'ok' ? checked.result.usage : checked.kind === 'error' ? usageOf(checked.error) : ZERO_USAGE;
      const resultModel = checked.kind === 'ok' ? checked.result.model : model;
      const confidence = checked.kind === 'ok' ? checked.result.output.confidence : undefined;
      const rowOutcome = usageOutcome(checked.kind, confidence, policy.confidenceThreshold);
      const errorMessage = checked.kind === 'ok' ? undefined : describeError(checked.error);
      endSpan(
        span,
        {
          'gen_ai.response.model': resultModel,
          'gen_ai.usage.input_tokens': usage.inputTokens,
          'gen_ai.usage.output_tokens': usage.outputTokens,
          'reflex.ai.outcome': rowOutcome,
        },
        checked.kind !== 'ok',
      );

      await options.recordUsage({
        tenantId: context.tenantId,
        documentId: context.documentId ?? null,
        operation: op,
        provider: provider.name,
        model: resultModel,
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        audioSeconds: usage.audioSeconds,
        costMicros: computeCostMicros({ provider: provider.name, model: resultModel, ...usage }, prices),
        latencyMs,
        escalated,
        outcome: rowOutcome,
        ...(errorMessage === undefined ? {} : { error: errorMessage }),
      });
      attempts.push({
        provider: provider.name,
        model: resultModel,
        outcome: rowOutcome,
        latencyMs,
        ...(confidence === undefined ? {} : { confidence }),
        ...(errorMessage === undefined ? {} : { error: errorMessage }),
      });

      if (checked.kind === 'ok') {
        breaker.recordSuccess(provider.name);
        const candidate = { result: checked.result, provider: provider.name, escalated };
        if (rowOutcome === 'ok') return finish(candidate, false, attempts);
        if (best === undefined || checked.result.output.confidence > best.result.output.confidence) best = candidate;
        continue;
      }
      if (checked.kind === 'aborted') {
        breaker.release(provider.name);
        throw checked.error;
      }
      const code = checked.error instanceof AiError ? checked.error.code : undefined;
      if (code !== undefined && HEALTH_NEUTRAL.has(code)) breaker.release(provider.name);
      else breaker.recordFailure(provider.name);
      errors.push(checked.error);
      failures.push({ provider: provider.name, outcome: checked.kind, message: errorMessage ?? 'unknown error' });
    }

    if (best !== undefined) return finish(best, true, attempts);
    // A deployment without speech-to-text is a state to show (and retry later), not a provider outage.
    const unavailable = errors.find((e) => e instanceof TranscriptionUnavailableError);
    if (unavailable !== undefined && errors.every((e) => e instanceof TranscriptionUnavailableError)) throw unavailable;
    throw new AllProvidersFailedError(op, failures, errors.at(-1));
  }

  function finish<Op extends AiOperation>(
    chosen: { result: ProviderResult<AiOutput<Op>>; provider: string; escalated: boolean },
    lowConfidence: boolean,
    attempts: AiAttempt[],
  ): AiRunResult<Op> {
    return {
      output: chosen.result.output,
      provider: chosen.provider,
      model: chosen.result.model,
      confidence: chosen.result.output.confidence,
      lowConfidence,
      escalated: chosen.escalated,
      attempts,
    };
  }

  return { run, circuitState: (provider) => breaker.state(provider) };
}
