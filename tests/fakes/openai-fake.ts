import type { ServerResponse } from 'node:http';
import { sendJson, startFakeServer, type RecordedRequest } from '@/tests/fakes/http-server';

// Speaks OpenAI's wire format for /v1/chat/completions, /v1/embeddings and /v1/audio/transcriptions, including its
// error bodies, 429 with retry-after, and requests that never answer. Self-hosted servers (vLLM, TEI,
// faster-whisper-server) speak the same format.

export type OpenAiEndpoint = 'chat' | 'embeddings' | 'transcriptions';

export type OpenAiBehaviour =
  | {
      kind: 'ok';
      // chat: the assistant message content; objects are JSON-encoded, strings sent verbatim.
      content?: unknown;
      finishReason?: 'stop' | 'length';
      // embeddings: override the vector length (to simulate a server ignoring `dimensions`).
      dimensions?: number;
      // transcriptions
      text?: string;
      durationSeconds?: number;
    }
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  | { kind: 'server-error' }
  | { kind: 'hang' }
  // Answers like 'ok' (with `content`, if given) once `until` resolves: lets a test act while the call is in flight.
  | { kind: 'held'; until: Promise<void>; content?: unknown }
  // chat: content that is not JSON at all.
  | { kind: 'malformed' };

export interface OpenAiFake {
  url: string;
  baseURL: string;
  requests: RecordedRequest[];
  requestsTo(endpoint: OpenAiEndpoint): RecordedRequest[];
  // Behaviours are consumed one per request, in order; after that every request gets `fallback(endpoint)`.
  enqueue(endpoint: OpenAiEndpoint, ...behaviours: OpenAiBehaviour[]): void;
  setDefault(endpoint: OpenAiEndpoint, behaviour: OpenAiBehaviour): void;
  close(): Promise<void>;
}

const PATHS: Record<string, OpenAiEndpoint> = {
  '/v1/chat/completions': 'chat',
  '/v1/embeddings': 'embeddings',
  '/v1/audio/transcriptions': 'transcriptions',
};

function words(text: string): number {
  return text.split(/\s+/).filter((w) => w.length > 0).length;
}

// Deterministic pseudo-embedding: the same text always yields the same unit vector.
function vectorFor(text: string, dims: number): number[] {
  let seed = 2166136261;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 16777619) >>> 0;
  const values: number[] = [];
  for (let i = 0; i < dims; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    values.push(seed / 2 ** 32 - 0.5);
  }
  const norm = Math.sqrt(values.reduce((s, v) => s + v * v, 0));
  return values.map((v) => Math.fround(v / norm));
}

function toBase64Float32(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString('base64');
}

function errorBody(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value)) : {};
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

type Answering = Extract<OpenAiBehaviour, { kind: 'ok' | 'malformed' }>;

function chatContent(b: Answering): string {
  if (b.kind === 'malformed') return 'Sure! Here is the result: {category: contract';
  return typeof b.content === 'string' ? b.content : JSON.stringify(b.content ?? {});
}

function respondChat(res: ServerResponse, request: RecordedRequest, b: Answering): void {
  const body = objectOf(request.json);
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const promptTokens = messages.reduce<number>((n, m) => n + words(stringOr(objectOf(m).content, '')), 0);
  const content = chatContent(b);
  const completionTokens = words(content);
  sendJson(res, 200, {
    id: `chatcmpl-fake-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: stringOr(body.model, 'unknown'),
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: b.kind === 'ok' ? (b.finishReason ?? 'stop') : 'stop',
      },
    ],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  });
}

function respondEmbeddings(res: ServerResponse, request: RecordedRequest, b: Answering): void {
  const body = objectOf(request.json);
  const inputs = Array.isArray(body.input) ? body.input.map((v) => stringOr(v, '')) : [stringOr(body.input, '')];
  const requested = typeof body.dimensions === 'number' ? body.dimensions : 1536;
  const dims = b.kind === 'ok' && b.dimensions !== undefined ? b.dimensions : requested;
  // Like the real API: floats unless base64 is asked for (the SDK asks for base64 unless told otherwise).
  const base64 = body.encoding_format === 'base64';
  const tokens = inputs.reduce((n, t) => n + words(t), 0);
  sendJson(res, 200, {
    object: 'list',
    data: inputs.map((text, index) => {
      const vector = vectorFor(text, dims);
      return { object: 'embedding', index, embedding: base64 ? toBase64Float32(vector) : vector };
    }),
    model: stringOr(body.model, 'unknown'),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

function respondTranscription(res: ServerResponse, request: RecordedRequest, b: Answering): void {
  const form = request.form ?? {};
  if (request.files?.file === undefined) {
    sendJson(res, 400, errorBody("you must provide a 'file' field", 'invalid_request_error', null));
    return;
  }
  const text = (b.kind === 'ok' ? b.text : undefined) ?? 'Hello from the fake transcription server.';
  const duration = (b.kind === 'ok' ? b.durationSeconds : undefined) ?? 12.5;
  if (form.response_format === 'verbose_json') {
    sendJson(res, 200, {
      task: 'transcribe',
      language: 'english',
      duration,
      text,
      segments: [
        {
          id: 0,
          seek: 0,
          start: 0,
          end: duration,
          text,
          tokens: [1, 2, 3],
          temperature: 0,
          avg_logprob: -0.2,
          compression_ratio: 1.1,
          no_speech_prob: 0.01,
        },
      ],
    });
    return;
  }
  sendJson(res, 200, { text, usage: { type: 'duration', seconds: Math.ceil(duration) } });
}

export async function startOpenAiFake(options: { apiKey?: string } = {}): Promise<OpenAiFake> {
  const queues: Record<OpenAiEndpoint, OpenAiBehaviour[]> = { chat: [], embeddings: [], transcriptions: [] };
  const defaults: Record<OpenAiEndpoint, OpenAiBehaviour> = {
    chat: { kind: 'ok' },
    embeddings: { kind: 'ok' },
    transcriptions: { kind: 'ok' },
  };
  const server = await startFakeServer((req, res, request) => {
    const endpoint = req.method === 'POST' ? PATHS[request.path] : undefined;
    if (endpoint === undefined) {
      sendJson(res, 404, errorBody(`Unknown request URL: ${req.method} ${request.path}`, 'invalid_request_error', 'unknown_url'));
      return;
    }
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendJson(res, 401, errorBody('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
      return;
    }
    const behaviour = queues[endpoint].shift() ?? defaults[endpoint];
    const answer = (ok: Answering) => {
      if (endpoint === 'chat') respondChat(res, request, ok);
      else if (endpoint === 'embeddings') respondEmbeddings(res, request, ok);
      else respondTranscription(res, request, ok);
    };
    switch (behaviour.kind) {
      case 'hang':
        return;
      case 'held':
        void behaviour.until.then(() => answer({ kind: 'ok', content: behaviour.content }));
        return;
      case 'rate-limit':
        sendJson(res, 429, errorBody('Rate limit reached for requests', 'requests', 'rate_limit_exceeded'), {
          'retry-after': String(behaviour.retryAfterSeconds ?? 0),
        });
        return;
      case 'server-error':
        sendJson(res, 500, errorBody('The server had an error while processing your request.', 'server_error', null));
        return;
      default:
        answer(behaviour);
    }
  });
  return {
    url: server.url,
    baseURL: `${server.url}/v1`,
    requests: server.requests,
    requestsTo: (endpoint) => server.requests.filter((r) => PATHS[r.path] === endpoint),
    enqueue: (endpoint, ...behaviours) => {
      queues[endpoint].push(...behaviours);
    },
    setDefault: (endpoint, behaviour) => {
      defaults[endpoint] = behaviour;
    },
    close: server.close,
  };
}
