import { z } from 'zod';

// What the pipeline worker (lib/workers/pipeline-worker.ts) is asked to do and what it answers. Both sides parse
// with these schemas: the worker its input, the app its results. Only the CPU-bound parts of a step cross over;
// database work and provider calls over the network stay on the app's side.

// What every worker is started with.
export const pipelineWorkerDataSchema = z.object({
  // Added to the worker thread's nice value (Linux), so the thread serving HTTP wins when cores are scarce.
  niceIncrement: z.number().int().min(0).max(19),
});
export type PipelineWorkerData = z.infer<typeof pipelineWorkerDataSchema>;

// Offline AI operations the worker runs (the offline provider's CPU-bound ones; transcribe and answer stay out).
export const WORKER_AI_OPERATIONS = ['embed', 'classify', 'verify', 'summarize', 'extract-actions'] as const;
export const workerAiOperationSchema = z.enum(WORKER_AI_OPERATIONS);
export type WorkerAiOperation = z.infer<typeof workerAiOperationSchema>;

export const extractTaskSchema = z.object({
  type: z.literal('extract'),
  kind: z.enum(['pdf', 'text']),
  bytes: z.instanceof(Uint8Array),
  maxPages: z.number().int().positive(),
  maxChars: z.number().int().positive(),
});

export const chunkTaskSchema = z.object({ type: z.literal('chunk'), text: z.string() });

// The input is checked against the operation's own schema inside the worker (lib/ai/types.ts aiSchemas).
export const aiTaskSchema = z.object({ type: z.literal('ai'), op: workerAiOperationSchema, input: z.unknown() });

// Answers which thread ran it: lets tests and the readiness check see that the pool is alive and separate.
export const probeTaskSchema = z.object({ type: z.literal('probe') });

export const pipelineTaskSchema = z.discriminatedUnion('type', [extractTaskSchema, chunkTaskSchema, aiTaskSchema, probeTaskSchema]);
export type PipelineTask = z.infer<typeof pipelineTaskSchema>;
export type PipelineTaskType = PipelineTask['type'];

export const extractFailureSchema = z.discriminatedUnion('code', [
  z.object({ code: z.literal('too_many_pages'), pages: z.number().int(), limit: z.number().int() }),
  // `chars` is how far extraction got before it stopped: at least that much text.
  z.object({ code: z.literal('too_much_text'), chars: z.number().int(), limit: z.number().int() }),
  z.object({ code: z.literal('unreadable_pdf'), reason: z.string() }),
  z.object({ code: z.literal('not_utf8') }),
]);
export type ExtractFailure = z.infer<typeof extractFailureSchema>;

export const extractResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), text: z.string(), pages: z.number().int().nullable() }),
  z.object({ ok: z.literal(false), failure: extractFailureSchema }),
]);
export type ExtractResult = z.infer<typeof extractResultSchema>;

// Chunk boundaries as [start, end) offsets into the text, flattened pairs: the text itself does not travel back.
export const chunkResultSchema = z.object({ spans: z.instanceof(Int32Array) });

export const aiResultSchema = z.object({
  output: z.unknown(),
  model: z.string().min(1),
  usage: z.object({ inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0), audioSeconds: z.number().min(0) }),
});

export const probeResultSchema = z.object({ threadId: z.number().int() });

export const pipelineResultSchemas = {
  extract: extractResultSchema,
  chunk: chunkResultSchema,
  ai: aiResultSchema,
  probe: probeResultSchema,
} as const satisfies Record<PipelineTaskType, z.ZodType>;

export type PipelineResult<T extends PipelineTaskType> = z.infer<(typeof pipelineResultSchemas)[T]>;
