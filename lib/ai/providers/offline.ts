import { extractActionItems } from '@/lib/ai/classical/actions';
import { answerExtractive } from '@/lib/ai/classical/answer';
import { classifyByKeywords } from '@/lib/ai/classical/classify';
import { hashedEmbedding } from '@/lib/ai/classical/embed';
import { summarizeExtractive } from '@/lib/ai/classical/summarize';
import { TranscriptionUnavailableError } from '@/lib/ai/errors';
import { contextualQuestion } from '@/lib/ai/follow-up';
import {
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
  type ProviderResult,
  type SummarizeInput,
  type SummarizeOutput,
  type TranscribeOutput,
  type VerifyInput,
  type VerifyOutput,
} from '@/lib/ai/types';
import { evaluateRules, needsJudgement } from '@/lib/ai/verify-rules';

export const OFFLINE_PROVIDER = 'offline';

// Model labels identify the classical method in usage rows and in the vector-space id of stored embeddings.
export const OFFLINE_MODELS: Record<AiOperation, string> = {
  transcribe: 'none',
  embed: 'hashed-ngrams-384-v1',
  classify: 'category-prototypes-v2',
  verify: 'rules-v1',
  summarize: 'extractive-tf-v2',
  'extract-actions': 'action-items-nlp-v2',
  answer: 'extractive-shaped-v2',
};

// Lexical vectors find shared wording only; the router compares this with a tenant's threshold.
const EMBED_CONFIDENCE = 0.4;
const VERIFY_EXACT_CONFIDENCE = 0.95;
const VERIFY_HEURISTIC_CONFIDENCE = 0.6;

function result<T>(op: AiOperation, output: T): ProviderResult<T> {
  return { output, model: OFFLINE_MODELS[op], usage: ZERO_USAGE };
}

export interface OfflineProviderOptions {
  now?: () => Date;
}

// In-process, deterministic, no network: the embedded default, and the last resort when every API is down.
export class OfflineProvider implements AiProvider {
  readonly name = OFFLINE_PROVIDER;
  readonly locality = 'in-process' as const;
  private readonly now: () => Date;

  constructor(options: OfflineProviderOptions = {}) {
    this.now = options.now ?? (() => new Date());
  }

  supports(op: AiOperation): boolean {
    // transcribe is "supported" only in the sense that it answers with a typed, retryable unavailability.
    return op in OFFLINE_MODELS;
  }

  modelFor(op: AiOperation): string {
    return OFFLINE_MODELS[op];
  }

  async transcribe(): Promise<ProviderResult<TranscribeOutput>> {
    throw new TranscriptionUnavailableError();
  }

  async embed(input: EmbedInput): Promise<ProviderResult<EmbedOutput>> {
    const embeddings = input.texts.map(hashedEmbedding);
    const allEmpty = input.texts.every((t) => t.trim() === '');
    return result('embed', { embeddings, confidence: allEmpty ? 0 : EMBED_CONFIDENCE });
  }

  async classify(input: ClassifyInput): Promise<ProviderResult<ClassifyOutput>> {
    return result('classify', classifyByKeywords(input));
  }

  async verify(input: VerifyInput): Promise<ProviderResult<VerifyOutput>> {
    const asOf = input.asOf === undefined ? this.now() : new Date(input.asOf);
    const results = evaluateRules(input.text, input.rules, asOf);
    // A heading search can miss a section that exists under another title.
    const heuristic = input.rules.some(needsJudgement);
    return result('verify', {
      passed: results.every((r) => r.passed),
      results,
      confidence: heuristic ? VERIFY_HEURISTIC_CONFIDENCE : VERIFY_EXACT_CONFIDENCE,
    });
  }

  async summarize(input: SummarizeInput): Promise<ProviderResult<SummarizeOutput>> {
    return result('summarize', summarizeExtractive(input));
  }

  async 'extract-actions'(input: ExtractActionsInput): Promise<ProviderResult<ExtractActionsOutput>> {
    return result('extract-actions', extractActionItems(input));
  }

  async answer(input: AnswerInput): Promise<ProviderResult<AnswerOutput>> {
    // Extraction matches words, so a follow-up carries the words of the subject it refers back to.
    const earlier = (input.history ?? []).map((h) => h.question);
    return result('answer', answerExtractive({ ...input, question: contextualQuestion(input.question, earlier) }));
  }
}
