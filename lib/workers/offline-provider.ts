import type { z } from 'zod';
import { AiAbortedError, AiResourceLimitError } from '@/lib/ai/errors';
import { OFFLINE_PROVIDER, OfflineProvider } from '@/lib/ai/providers/offline';
import {
  aiSchemas,
  type AiOperation,
  type AiOutput,
  type AiProvider,
  type AnswerInput,
  type AnswerOutput,
  type ClassifyInput,
  type ClassifyOutput,
  type EmbedInput,
  type EmbedOutput,
  type ExtractActionsInput,
  type ExtractActionsOutput,
  type ProviderCallContext,
  type ProviderResult,
  type SummarizeInput,
  type SummarizeOutput,
  type TranscribeOutput,
  type VerifyInput,
  type VerifyOutput,
} from '@/lib/ai/types';
import { getPipelinePool, runPipelineTask } from './pipeline-pool';
import type { WorkerAiOperation } from './pipeline-protocol';
import { WorkerTaskError } from './pool';

// Re-typed as a mapped type so that indexing with a generic `Op` keeps the output type tied to it (as the router does).
type OutputSchemas = { [Op in WorkerAiOperation]: { output: z.ZodType<AiOutput<Op>> } };
const operationSchemas: OutputSchemas = aiSchemas;

// The pool's deadline ends a runaway computation a little before the router's own timeout would: the call then
// fails as a resource limit (not retried, not held against the provider's health) and its worker is replaced.
const DEADLINE_SHARE = 0.9;

function toAiError(op: WorkerAiOperation, err: unknown): unknown {
  if (!(err instanceof WorkerTaskError)) return err;
  const { settings } = getPipelinePool();
  switch (err.reason) {
    case 'out_of_memory':
      return new AiResourceLimitError(`The offline ${op} ran out of memory (the pipeline worker's ${settings.memoryMb} MB limit) on this text`, { cause: err });
    case 'timeout':
      return new AiResourceLimitError(`The offline ${op} did not finish in time on this text: ${err.message}`, { cause: err });
    case 'crashed':
      return new AiResourceLimitError(`The pipeline worker crashed during the offline ${op}: ${err.message}`, { cause: err });
    case 'aborted':
      return new AiAbortedError();
    default:
      return err;
  }
}

// The offline provider with its CPU-bound operations run in the pipeline worker pool instead of on the thread that
// serves HTTP. Same name, models and results as OfflineProvider (it is what the worker runs); only the pipeline's
// router uses it. Query-time calls (a search query's embedding, an answer over a few passages) stay in-process:
// they are small, and must not queue behind documents.
export class WorkerOfflineProvider implements AiProvider {
  readonly name = OFFLINE_PROVIDER;
  readonly locality = 'in-process' as const;
  private readonly local = new OfflineProvider();

  supports(op: AiOperation): boolean {
    return this.local.supports(op);
  }

  modelFor(op: AiOperation): string {
    return this.local.modelFor(op);
  }

  transcribe(): Promise<ProviderResult<TranscribeOutput>> {
    return this.local.transcribe();
  }

  embed(input: EmbedInput, ctx: ProviderCallContext): Promise<ProviderResult<EmbedOutput>> {
    return this.call('embed', input, ctx);
  }

  classify(input: ClassifyInput, ctx: ProviderCallContext): Promise<ProviderResult<ClassifyOutput>> {
    return this.call('classify', input, ctx);
  }

  verify(input: VerifyInput, ctx: ProviderCallContext): Promise<ProviderResult<VerifyOutput>> {
    return this.call('verify', input, ctx);
  }

  summarize(input: SummarizeInput, ctx: ProviderCallContext): Promise<ProviderResult<SummarizeOutput>> {
    return this.call('summarize', input, ctx);
  }

  'extract-actions'(input: ExtractActionsInput, ctx: ProviderCallContext): Promise<ProviderResult<ExtractActionsOutput>> {
    return this.call('extract-actions', input, ctx);
  }

  answer(input: AnswerInput): Promise<ProviderResult<AnswerOutput>> {
    return this.local.answer(input);
  }

  private async call<Op extends WorkerAiOperation>(op: Op, input: unknown, ctx: ProviderCallContext): Promise<ProviderResult<AiOutput<Op>>> {
    const { settings } = getPipelinePool();
    const timeoutMs = ctx.timeoutMs > 0 ? Math.min(settings.timeoutMs, Math.floor(ctx.timeoutMs * DEADLINE_SHARE)) : settings.timeoutMs;
    try {
      const result = await runPipelineTask({ type: 'ai', op, input }, { signal: ctx.signal, timeoutMs });
      const schema = operationSchemas[op].output;
      const output = schema.parse(result.output);
      return { output, model: result.model, usage: result.usage };
    } catch (err) {
      throw toAiError(op, err);
    }
  }
}
