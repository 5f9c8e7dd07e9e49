import { AssemblyAI, type SpeechModel, type Transcript } from 'assemblyai';
import { AiAbortedError, AiError, UnsupportedOperationError, describeError } from '@/lib/ai/errors';
import type {
  AiOperation,
  AiProvider,
  ProviderCallContext,
  ProviderResult,
  TranscribeInput,
  TranscribeOutput,
} from '@/lib/ai/types';

export const ASSEMBLYAI_PROVIDER = 'assemblyai';

export interface AssemblyAiProviderOptions {
  apiKey: string;
  baseUrl?: string;
  // How often to ask whether a transcript is ready. AssemblyAI's SDK default is 3 s.
  pollingIntervalMs?: number;
  // Sent as speech_model when set; otherwise AssemblyAI's default model, labelled 'best' for pricing.
  speechModel?: SpeechModel;
}

const DEFAULT_POLLING_INTERVAL_MS = 3_000;
const DEFAULT_MODEL_LABEL = 'best';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new AiAbortedError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AiAbortedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AiAbortedError();
}

// AssemblyAI is asynchronous: upload (when given bytes), create a transcript job, poll until it completes.
// Its API takes no idempotency key; a retried step that had already submitted creates a second job.
export class AssemblyAiProvider implements AiProvider {
  readonly name = ASSEMBLYAI_PROVIDER;
  readonly locality = 'hosted' as const;
  private readonly client: AssemblyAI;
  private readonly pollingIntervalMs: number;
  private readonly speechModel: SpeechModel | undefined;

  constructor(options: AssemblyAiProviderOptions) {
    this.client = new AssemblyAI({
      apiKey: options.apiKey,
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    });
    this.pollingIntervalMs = options.pollingIntervalMs ?? DEFAULT_POLLING_INTERVAL_MS;
    this.speechModel = options.speechModel;
  }

  supports(op: AiOperation): boolean {
    return op === 'transcribe';
  }

  modelFor(): string {
    return this.speechModel ?? DEFAULT_MODEL_LABEL;
  }

  // The SDK's fetch calls take no AbortSignal, so the signal is honoured between requests (and the router's own
  // timer bounds the whole call).
  async transcribe(input: TranscribeInput, ctx: ProviderCallContext): Promise<ProviderResult<TranscribeOutput>> {
    const audio = input.audio.bytes ?? input.audio.url;
    if (audio === undefined) throw new UnsupportedOperationError(this.name, 'transcribe');
    let transcript: Transcript;
    try {
      checkAborted(ctx.signal);
      transcript = await this.client.transcripts.submit({
        audio,
        ...(this.speechModel === undefined ? {} : { speech_model: this.speechModel }),
        ...(input.language === undefined ? {} : { language_code: input.language }),
      });
      while (transcript.status === 'queued' || transcript.status === 'processing') {
        await sleep(this.pollingIntervalMs, ctx.signal);
        transcript = await this.client.transcripts.get(transcript.id);
      }
    } catch (error) {
      if (error instanceof AiError) throw error;
      throw new AiError('provider_error', `${this.name}: ${describeError(error)}`, { retryable: true, cause: error });
    }
    if (transcript.status === 'error') {
      // AssemblyAI reports unusable audio this way; sending the same audio again fails the same way.
      const reason = transcript.error ?? 'unknown error';
      throw new AiError('provider_error', `${this.name}: transcription failed: ${reason}`, { retryable: false });
    }
    const durationSeconds = transcript.audio_duration ?? 0;
    return {
      output: { text: transcript.text ?? '', durationSeconds, confidence: transcript.confidence ?? 0 },
      model: this.modelFor(),
      usage: { inputTokens: 0, outputTokens: 0, audioSeconds: durationSeconds },
    };
  }
}
