import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError, toFile } from 'openai';
import { z } from 'zod';
import {
  AiAbortedError,
  AiError,
  ModelOutputError,
  ProviderTimeoutError,
  UnsupportedOperationError,
  describeError,
} from '@/lib/ai/errors';
import {
  answerPrompt,
  classifyPrompt,
  extractActionsPrompt,
  sectionsPrompt,
  summarizePrompt,
  type ChatPrompt,
} from '@/lib/ai/providers/openai-prompts';
import {
  EMBEDDING_DIM,
  ZERO_USAGE,
  type AiOperation,
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
  type ProviderLocality,
  type ProviderResult,
  type RuleResult,
  type SummarizeInput,
  type SummarizeOutput,
  type TranscribeInput,
  type TranscribeOutput,
  type VerifyInput,
  type VerifyOutput,
} from '@/lib/ai/types';
import { evaluateRule, needsJudgement } from '@/lib/ai/verify-rules';

export type Capability = 'chat' | 'embed' | 'transcribe';

export function capabilityOf(op: AiOperation): Capability {
  if (op === 'embed') return 'embed';
  if (op === 'transcribe') return 'transcribe';
  return 'chat';
}

export const OPENAI_DEFAULT_MODELS = {
  chat: 'gpt-4o-mini',
  embed: 'text-embedding-3-small',
  transcribe: 'whisper-1',
} as const satisfies Record<Capability, string>;

export interface OpenAiProviderOptions {
  // Defaults to 'self-hosted' or 'openai'; usage rows and prices are keyed by it.
  name?: string;
  // Self-hosted servers often need none; the SDK insists on a non-empty string.
  apiKey?: string;
  // Base URL including the API prefix, e.g. http://gpu:8000/v1.
  baseURL?: string;
  // Separate servers per capability are common when self-hosting (vLLM for chat, TEI for embeddings, faster-whisper).
  endpoints?: Partial<Record<Capability, string>>;
  // A capability without a model is not offered by this provider.
  models: Partial<Record<Capability, string>>;
  selfHosted: boolean;
  maxRetries?: number;
  // Models with a native 384-dim output (e.g. bge-small) may reject `dimensions` on some servers.
  sendDimensions?: boolean;
  // Bounds prompt size (and cost) for long documents.
  maxInputChars?: number;
}

const HOSTED_BASE_URL = 'https://api.openai.com/v1';
const DEFAULT_MAX_INPUT_CHARS = 48_000;
// The provider's own view of embedding quality; embeddings are never escalated on confidence by default.
const EMBED_CONFIDENCE = 0.9;
const VERIFY_EXACT_CONFIDENCE = 0.95;
// Whisper returns no overall confidence without segments; a neutral prior rather than a made-up certainty.
const TRANSCRIBE_PRIOR_CONFIDENCE = 0.75;

// The SDK sends `idempotencyKey` only when the client declares a header name; OpenAI's own client declares none.
class IdempotentOpenAI extends OpenAI {
  protected override idempotencyHeader = 'Idempotency-Key';
}

const embeddingResponseSchema = z.object({
  data: z.array(z.object({ index: z.number().int(), embedding: z.array(z.number()) })),
  usage: z.object({ prompt_tokens: z.number() }).partial().optional(),
});

const transcriptionResponseSchema = z.object({
  text: z.string(),
  duration: z.number().optional(),
  segments: z
    .array(z.object({ avg_logprob: z.number().optional(), end: z.number().optional() }))
    .optional(),
  usage: z
    .union([
      z.object({ type: z.literal('tokens'), input_tokens: z.number(), output_tokens: z.number() }),
      z.object({ type: z.literal('duration'), seconds: z.number() }),
    ])
    .optional(),
});

// Whisper-compatible servers sniff the format from the file name.
const EXTENSIONS: Record<string, string> = { mpeg: 'mp3', 'x-wav': 'wav', wave: 'wav', 'x-m4a': 'm4a', mp4: 'm4a' };

function extensionFor(mimeType: string): string {
  const sub = mimeType.split('/')[1]?.split(';')[0]?.trim() ?? 'bin';
  return EXTENSIONS[sub] ?? sub;
}

function wrapRequestError(provider: string, error: unknown, ctx: ProviderCallContext): unknown {
  if (error instanceof AiError) return error;
  if (error instanceof APIConnectionTimeoutError) return new ProviderTimeoutError(provider, ctx.timeoutMs);
  if (error instanceof APIUserAbortError) return new AiAbortedError();
  if (error instanceof APIError) {
    const status = error.status;
    const retryable = status === undefined || status === 429 || status >= 500 || status === 408 || status === 409;
    return new AiError('provider_error', `${provider}: ${describeError(error)}`, { retryable, cause: error });
  }
  return error;
}

export class OpenAiProvider implements AiProvider {
  readonly name: string;
  readonly locality: ProviderLocality;
  private readonly options: OpenAiProviderOptions;
  private readonly clients = new Map<string, OpenAI>();

  constructor(options: OpenAiProviderOptions) {
    this.options = options;
    this.name = options.name ?? (options.selfHosted ? 'self-hosted' : 'openai');
    this.locality = options.selfHosted ? 'self-hosted' : 'hosted';
  }

  supports(op: AiOperation): boolean {
    return this.options.models[capabilityOf(op)] !== undefined;
  }

  modelFor(op: AiOperation): string {
    return this.options.models[capabilityOf(op)] ?? 'unconfigured';
  }

  private model(op: AiOperation): string {
    const model = this.options.models[capabilityOf(op)];
    if (model === undefined) throw new UnsupportedOperationError(this.name, op);
    return model;
  }

  private client(capability: Capability): OpenAI {
    const baseURL = this.options.endpoints?.[capability] ?? this.options.baseURL ?? HOSTED_BASE_URL;
    let client = this.clients.get(baseURL);
    if (client === undefined) {
      client = new IdempotentOpenAI({
        apiKey: this.options.apiKey ?? 'unused',
        baseURL,
        // Explicit nulls stop the SDK from reading OPENAI_ORG_ID / OPENAI_PROJECT_ID from process.env.
        organization: null,
        project: null,
        maxRetries: this.options.maxRetries ?? 2,
      });
      this.clients.set(baseURL, client);
    }
    return client;
  }

  private requestOptions(ctx: ProviderCallContext) {
    return {
      timeout: Math.max(1, Math.floor(ctx.timeoutMs)),
      signal: ctx.signal,
      idempotencyKey: ctx.idempotencyKey,
    };
  }

  private get maxChars(): number {
    return this.options.maxInputChars ?? DEFAULT_MAX_INPUT_CHARS;
  }

  private async chatJson<T>(
    op: AiOperation,
    prompt: ChatPrompt<T>,
    ctx: ProviderCallContext,
  ): Promise<ProviderResult<T>> {
    const model = this.model(op);
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client('chat').chat.completions.create(
        {
          model,
          response_format: { type: 'json_object' },
          messages: [
            { role: 'system', content: prompt.system },
            { role: 'user', content: prompt.user },
          ],
        },
        this.requestOptions(ctx),
      );
    } catch (error) {
      throw wrapRequestError(this.name, error, ctx);
    }
    const usage = {
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
      audioSeconds: 0,
    };
    const choice = completion.choices[0];
    const content = choice?.message.content;
    if (content === null || content === undefined) {
      throw new ModelOutputError(this.name, 'no message content', { usage });
    }
    if (choice?.finish_reason === 'length') {
      throw new ModelOutputError(this.name, 'reply truncated at the token limit', { usage });
    }
    let json: unknown;
    try {
      json = JSON.parse(content);
    } catch (error) {
      throw new ModelOutputError(this.name, 'reply is not JSON', { cause: error, usage });
    }
    const parsed = prompt.schema.safeParse(json);
    if (!parsed.success) {
      throw new ModelOutputError(this.name, z.prettifyError(parsed.error), { cause: parsed.error, usage });
    }
    return { output: parsed.data, model, usage };
  }

  async classify(input: ClassifyInput, ctx: ProviderCallContext): Promise<ProviderResult<ClassifyOutput>> {
    return this.chatJson('classify', classifyPrompt(input, this.maxChars), ctx);
  }

  async summarize(input: SummarizeInput, ctx: ProviderCallContext): Promise<ProviderResult<SummarizeOutput>> {
    return this.chatJson('summarize', summarizePrompt(input, this.maxChars), ctx);
  }

  async 'extract-actions'(
    input: ExtractActionsInput,
    ctx: ProviderCallContext,
  ): Promise<ProviderResult<ExtractActionsOutput>> {
    return this.chatJson('extract-actions', extractActionsPrompt(input, this.maxChars), ctx);
  }

  async answer(input: AnswerInput, ctx: ProviderCallContext): Promise<ProviderResult<AnswerOutput>> {
    return this.chatJson('answer', answerPrompt(input, this.maxChars), ctx);
  }

  // Pattern and date rules have one right answer and are evaluated locally; only pattern-less sections are judged.
  async verify(input: VerifyInput, ctx: ProviderCallContext): Promise<ProviderResult<VerifyOutput>> {
    const asOf = input.asOf === undefined ? new Date() : new Date(input.asOf);
    const judged = input.rules.flatMap((r) => (needsJudgement(r) && r.kind === 'required-section' ? [r.name] : []));
    const model = this.model('verify');
    let confidence = VERIFY_EXACT_CONFIDENCE;
    let usage = ZERO_USAGE;
    const judgements = new Map<string, { present: boolean; evidence: string | undefined }>();
    if (judged.length > 0) {
      const reply = await this.chatJson('verify', sectionsPrompt(input.text, judged, this.maxChars), ctx);
      for (const s of reply.output.sections) judgements.set(s.name, { present: s.present, evidence: s.evidence });
      confidence = Math.min(VERIFY_EXACT_CONFIDENCE, reply.output.confidence);
      usage = reply.usage;
    }
    const results = input.rules.map((rule): RuleResult => {
      if (!needsJudgement(rule) || rule.kind !== 'required-section') return evaluateRule(input.text, rule, asOf);
      const j = judgements.get(rule.name);
      const passed = j?.present ?? false;
      const evidence = j?.evidence ? `: "${j.evidence.slice(0, 120)}"` : '';
      return { rule, passed, detail: `section "${rule.name}" ${passed ? 'present' : 'not found'}${evidence}` };
    });
    return { output: { passed: results.every((r) => r.passed), results, confidence }, model, usage };
  }

  async embed(input: EmbedInput, ctx: ProviderCallContext): Promise<ProviderResult<EmbedOutput>> {
    const model = this.model('embed');
    let raw: unknown;
    try {
      const params: OpenAI.EmbeddingCreateParams = { model, input: input.texts };
      if (this.options.sendDimensions !== false) params.dimensions = EMBEDDING_DIM;
      // The SDK asks for base64 by default; servers that ignore encoding_format then yield garbage vectors.
      if (this.options.selfHosted) params.encoding_format = 'float';
      raw = await this.client('embed').embeddings.create(params, this.requestOptions(ctx));
    } catch (error) {
      throw wrapRequestError(this.name, error, ctx);
    }
    const parsed = embeddingResponseSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ModelOutputError(this.name, z.prettifyError(parsed.error), { cause: parsed.error });
    }
    const data = [...parsed.data.data].sort((a, b) => a.index - b.index);
    if (data.length !== input.texts.length) {
      throw new ModelOutputError(this.name, `expected ${input.texts.length} embeddings, got ${data.length}`);
    }
    const wrongDim = data.find((d) => d.embedding.length !== EMBEDDING_DIM);
    if (wrongDim) {
      throw new ModelOutputError(
        this.name,
        `embedding has ${wrongDim.embedding.length} dimensions, expected ${EMBEDDING_DIM}: use a model that supports ` +
          `the dimensions parameter or has ${EMBEDDING_DIM}-dimensional output`,
      );
    }
    return {
      output: { embeddings: data.map((d) => d.embedding), confidence: EMBED_CONFIDENCE },
      model,
      usage: { inputTokens: parsed.data.usage?.prompt_tokens ?? 0, outputTokens: 0, audioSeconds: 0 },
    };
  }

  // The audio URL comes from the deployment's own blob store, never straight from a user.
  private async audioBytes(input: TranscribeInput, signal: AbortSignal): Promise<Uint8Array> {
    if (input.audio.bytes !== undefined) return input.audio.bytes;
    const url = input.audio.url ?? '';
    const response = await fetch(url, { signal });
    if (!response.ok) {
      throw new AiError('provider_error', `could not fetch audio (${response.status})`, { retryable: true });
    }
    return new Uint8Array(await response.arrayBuffer());
  }

  async transcribe(input: TranscribeInput, ctx: ProviderCallContext): Promise<ProviderResult<TranscribeOutput>> {
    const model = this.model('transcribe');
    const bytes = await this.audioBytes(input, ctx.signal);
    const filename = input.audio.filename ?? `audio.${extensionFor(input.audio.mimeType)}`;
    // gpt-4o-*-transcribe models only answer plain json; whisper-compatible servers give durations and segments.
    const verbose = !model.startsWith('gpt-4o');
    let raw: unknown;
    try {
      raw = await this.client('transcribe').audio.transcriptions.create(
        {
          file: await toFile(bytes, filename, { type: input.audio.mimeType }),
          model,
          response_format: verbose ? 'verbose_json' : 'json',
          ...(input.language ? { language: input.language } : {}),
        },
        this.requestOptions(ctx),
      );
    } catch (error) {
      throw wrapRequestError(this.name, error, ctx);
    }
    const parsed = transcriptionResponseSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ModelOutputError(this.name, z.prettifyError(parsed.error), { cause: parsed.error });
    }
    const { text, duration, segments, usage } = parsed.data;
    const lastEnd = segments?.at(-1)?.end;
    const durationSeconds = duration ?? (usage?.type === 'duration' ? usage.seconds : undefined) ?? lastEnd ?? 0;
    const logprobs = (segments ?? []).flatMap((s) => (s.avg_logprob === undefined ? [] : [Math.exp(s.avg_logprob)]));
    const confidence =
      logprobs.length > 0 ? logprobs.reduce((a, b) => a + b, 0) / logprobs.length : TRANSCRIBE_PRIOR_CONFIDENCE;
    return {
      output: { text, durationSeconds, confidence: Math.min(1, Math.max(0, confidence)) },
      model,
      usage: {
        inputTokens: usage?.type === 'tokens' ? usage.input_tokens : 0,
        outputTokens: usage?.type === 'tokens' ? usage.output_tokens : 0,
        audioSeconds: durationSeconds,
      },
    };
  }
}
