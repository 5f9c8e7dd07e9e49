import { z } from 'zod';
import { MAX_PATTERN_LENGTH, tenantPatternProblem } from './tenant-pattern';

// One vector space size for every provider, so pgvector columns never change shape when a tenant switches backend.
export const EMBEDDING_DIM = 384;

export const AI_OPERATIONS = [
  'transcribe',
  'embed',
  'classify',
  'verify',
  'summarize',
  'extract-actions',
  'answer',
] as const;
export const aiOperationSchema = z.enum(AI_OPERATIONS);
export type AiOperation = z.infer<typeof aiOperationSchema>;

export const confidenceSchema = z.number().min(0).max(1);

// Tenant-supplied patterns run in the linear-time engine (lib/ai/tenant-pattern.ts): refuse, at the boundary,
// the ones it cannot compile, saying which construct.
const regexSourceSchema = z
  .string()
  .min(1)
  .max(MAX_PATTERN_LENGTH)
  .superRefine((source, ctx) => {
    const problem = tenantPatternProblem(source);
    if (problem) ctx.addIssue({ code: 'custom', message: `Unsupported pattern: ${problem}` });
  });

// ---- transcribe -------------------------------------------------------------------------------------------------
export const transcribeInputSchema = z
  .object({
    audio: z.object({
      // http(s) only: the AssemblyAI SDK reads any other string as a local file path and uploads it.
      url: z.url({ protocol: /^https?$/ }).optional(),
      bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes must be a Uint8Array').optional(),
      mimeType: z.string().min(1),
      filename: z.string().min(1).optional(),
    }),
    language: z.string().min(2).max(10).optional(),
  })
  .refine((v) => v.audio.url !== undefined || v.audio.bytes !== undefined, {
    message: 'audio needs url or bytes',
    path: ['audio'],
  });
export const transcribeOutputSchema = z.object({
  text: z.string(),
  durationSeconds: z.number().min(0),
  confidence: confidenceSchema,
});

// ---- embed ------------------------------------------------------------------------------------------------------
export const embedInputSchema = z.object({
  texts: z.array(z.string()).min(1).max(2048),
});
export const embedOutputSchema = z.object({
  embeddings: z.array(z.array(z.number()).length(EMBEDDING_DIM)),
  confidence: confidenceSchema,
});

// ---- classify ---------------------------------------------------------------------------------------------------
export const categorySchema = z.object({
  name: z.string().min(1).max(100),
  description: z.string().max(1000).optional(),
});
export const classifyInputSchema = z.object({
  text: z.string(),
  categories: z.array(categorySchema).min(1).max(100),
});
export const classifyOutputSchema = z.object({
  category: z.string().min(1),
  tags: z.array(z.string().min(1)).max(20),
  confidence: confidenceSchema,
});

// ---- verify -----------------------------------------------------------------------------------------------------
export const ruleSchema = z.discriminatedUnion('kind', [
  // Without a pattern the section is found by its heading (offline) or judged semantically (LLM providers).
  z.object({
    kind: z.literal('required-section'),
    name: z.string().min(1).max(200),
    pattern: regexSourceSchema.optional(),
  }),
  z.object({ kind: z.literal('required-field'), name: z.string().min(1).max(200), pattern: regexSourceSchema }),
  z.object({ kind: z.literal('forbidden-pattern'), name: z.string().min(1).max(200), pattern: regexSourceSchema }),
  z.object({ kind: z.literal('valid-dates') }),
  z.object({ kind: z.literal('max-age-days'), days: z.number().int().min(0).max(36500) }),
]);
export type Rule = z.infer<typeof ruleSchema>;

export const verifyInputSchema = z.object({
  text: z.string(),
  rules: z.array(ruleSchema).max(100),
  // Date rules are evaluated against this instant; defaults to the provider's clock.
  asOf: z.iso.datetime({ offset: true }).optional(),
});
export const ruleResultSchema = z.object({
  rule: ruleSchema,
  passed: z.boolean(),
  detail: z.string(),
});
export type RuleResult = z.infer<typeof ruleResultSchema>;
export const verifyOutputSchema = z.object({
  passed: z.boolean(),
  results: z.array(ruleResultSchema),
  confidence: confidenceSchema,
});

// ---- summarize --------------------------------------------------------------------------------------------------
export const summarizeInputSchema = z.object({
  text: z.string(),
  maxSentences: z.number().int().min(1).max(20).optional(),
});
export const summarizeOutputSchema = z.object({
  summary: z.string(),
  confidence: confidenceSchema,
});

// ---- extract-actions --------------------------------------------------------------------------------------------
export const extractActionsInputSchema = z.object({
  text: z.string(),
  // The day the document speaks from (its own date, else its upload date): "by Friday" counts from here.
  referenceDate: z.iso.date().optional(),
});
export const actionItemSchema = z.object({
  title: z.string().min(1).max(500),
  ownerHint: z.string().min(1).max(200).optional(),
  dueHint: z.string().min(1).max(200).optional(),
  // The due date the extractor resolved from dueHint against referenceDate, when it could.
  dueDate: z.iso.date().optional(),
  // The sentence the item was found in, shown on its task so people can see where it came from.
  quote: z.string().min(1).max(1000).optional(),
});
export type ActionItem = z.infer<typeof actionItemSchema>;
export const extractActionsOutputSchema = z.object({
  items: z.array(actionItemSchema).max(200),
  confidence: confidenceSchema,
});

// ---- answer -----------------------------------------------------------------------------------------------------
export const answerInputSchema = z.object({
  question: z.string().min(1).max(4000),
  contexts: z.array(z.object({ id: z.string().min(1), text: z.string() })).max(50),
  // Earlier turns of the conversation, oldest first: what a follow-up question ("and who owns it?") refers to.
  history: z
    .array(z.object({ question: z.string().min(1).max(4000), answer: z.string().max(8000) }))
    .max(10)
    .optional(),
});
export const citationSchema = z.object({ id: z.string().min(1), snippet: z.string() });
export const answerOutputSchema = z.object({
  answer: z.string(),
  citations: z.array(citationSchema),
  confidence: confidenceSchema,
});

// ---- operation map ----------------------------------------------------------------------------------------------
export const aiSchemas = {
  transcribe: { input: transcribeInputSchema, output: transcribeOutputSchema },
  embed: { input: embedInputSchema, output: embedOutputSchema },
  classify: { input: classifyInputSchema, output: classifyOutputSchema },
  verify: { input: verifyInputSchema, output: verifyOutputSchema },
  summarize: { input: summarizeInputSchema, output: summarizeOutputSchema },
  'extract-actions': { input: extractActionsInputSchema, output: extractActionsOutputSchema },
  answer: { input: answerInputSchema, output: answerOutputSchema },
} as const satisfies Record<AiOperation, { input: z.ZodType; output: z.ZodType }>;

export type AiInput<Op extends AiOperation> = z.infer<(typeof aiSchemas)[Op]['input']>;
export type AiOutput<Op extends AiOperation> = z.infer<(typeof aiSchemas)[Op]['output']>;

export type TranscribeInput = AiInput<'transcribe'>;
export type TranscribeOutput = AiOutput<'transcribe'>;
export type EmbedInput = AiInput<'embed'>;
export type EmbedOutput = AiOutput<'embed'>;
export type ClassifyInput = AiInput<'classify'>;
export type ClassifyOutput = AiOutput<'classify'>;
export type VerifyInput = AiInput<'verify'>;
export type VerifyOutput = AiOutput<'verify'>;
export type SummarizeInput = AiInput<'summarize'>;
export type SummarizeOutput = AiOutput<'summarize'>;
export type ExtractActionsInput = AiInput<'extract-actions'>;
export type ExtractActionsOutput = AiOutput<'extract-actions'>;
export type AnswerInput = AiInput<'answer'>;
export type AnswerOutput = AiOutput<'answer'>;

// ---- provider contract ------------------------------------------------------------------------------------------
// 'hosted' sends data to a third-party API; privacy mode only admits the other two.
export type ProviderLocality = 'in-process' | 'self-hosted' | 'hosted';

export interface ProviderCallContext {
  // Stable per (caller key, operation, provider): a retried pipeline step reuses it, so upstream can deduplicate.
  idempotencyKey: string;
  signal: AbortSignal;
  timeoutMs: number;
}

export interface ProviderUsage {
  inputTokens: number;
  outputTokens: number;
  audioSeconds: number;
}

export interface ProviderResult<T> {
  output: T;
  model: string;
  usage: ProviderUsage;
}

export type ProviderOperations = {
  [Op in AiOperation]: (input: AiInput<Op>, ctx: ProviderCallContext) => Promise<ProviderResult<AiOutput<Op>>>;
};

export interface AiProvider extends Partial<ProviderOperations> {
  readonly name: string;
  readonly locality: ProviderLocality;
  supports(op: AiOperation): boolean;
  // The model a call of this operation would use; usage rows for failed calls still name it.
  modelFor(op: AiOperation): string;
}

export const ZERO_USAGE: ProviderUsage = { inputTokens: 0, outputTokens: 0, audioSeconds: 0 };
