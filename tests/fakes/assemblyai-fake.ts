import { randomUUID } from 'node:crypto';
import { sendJson, startFakeServer, type RecordedRequest } from '@/tests/fakes/http-server';

// Speaks AssemblyAI's v2 wire format: POST /v2/upload (raw bytes), POST /v2/transcript, and
// GET /v2/transcript/:id whose status moves queued -> processing -> completed (or error) as it is polled.

export type AssemblyAiBehaviour =
  | { kind: 'ok'; text?: string; audioDuration?: number; confidence?: number }
  // The job is accepted, then ends with status "error" (what AssemblyAI does for unusable audio).
  | { kind: 'transcript-error'; error?: string }
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  | { kind: 'server-error' }
  | { kind: 'hang' };

export interface AssemblyAiFake {
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  // One behaviour per created transcript (POST /v2/transcript), in order; then `ok`.
  enqueue(...behaviours: AssemblyAiBehaviour[]): void;
  close(): Promise<void>;
}

interface Job {
  id: string;
  audioUrl: string;
  polls: number;
  behaviour: Extract<AssemblyAiBehaviour, { kind: 'ok' | 'transcript-error' }>;
}

const STATUSES = ['queued', 'processing'] as const;

export async function startAssemblyAiFake(options: { apiKey?: string } = {}): Promise<AssemblyAiFake> {
  const apiKey = options.apiKey ?? 'aai-test-key';
  const queue: AssemblyAiBehaviour[] = [];
  const jobs = new Map<string, Job>();
  let url = '';

  function transcriptBody(job: Job): Record<string, unknown> {
    const base = { id: job.id, audio_url: job.audioUrl, language_code: 'en_us', speech_model: null };
    // Each GET advances the job one step: queued, processing, then the final state.
    const status = STATUSES[job.polls];
    if (status !== undefined) return { ...base, status, text: null, audio_duration: null, confidence: null };
    if (job.behaviour.kind === 'transcript-error') {
      const error = job.behaviour.error ?? 'Transcoding failed. File does not appear to contain audio.';
      return { ...base, status: 'error', error };
    }
    const text = job.behaviour.text ?? 'Welcome to the weekly sync. Alice will send the report by Friday.';
    return {
      ...base,
      status: 'completed',
      text,
      audio_duration: job.behaviour.audioDuration ?? 42,
      confidence: job.behaviour.confidence ?? 0.93,
      words: text
        .split(' ')
        .map((w, i) => ({ text: w, start: i * 300, end: i * 300 + 250, confidence: 0.93, speaker: null })),
    };
  }

  const server = await startFakeServer((req, res, request) => {
    if (req.headers.authorization !== apiKey) {
      sendJson(res, 401, { error: 'Authentication error, API token missing/invalid' });
      return;
    }
    if (req.method === 'POST' && request.path === '/v2/upload') {
      if (request.body.length === 0) {
        sendJson(res, 400, { error: 'Upload failed, please try again.' });
        return;
      }
      sendJson(res, 200, { upload_url: `${url}/cdn/upload/${randomUUID()}` });
      return;
    }
    if (req.method === 'POST' && request.path === '/v2/transcript') {
      const body = typeof request.json === 'object' && request.json !== null ? Object.entries(request.json) : [];
      const audioUrl = body.find(([k]) => k === 'audio_url')?.[1];
      if (typeof audioUrl !== 'string') {
        sendJson(res, 400, { error: 'audio_url is required' });
        return;
      }
      const behaviour = queue.shift() ?? { kind: 'ok' };
      switch (behaviour.kind) {
        case 'hang':
          return;
        case 'rate-limit':
          sendJson(res, 429, { error: 'Too many requests' }, { 'retry-after': String(behaviour.retryAfterSeconds ?? 1) });
          return;
        case 'server-error':
          sendJson(res, 500, { error: 'Internal server error' });
          return;
        default: {
          const job: Job = { id: randomUUID(), audioUrl, polls: 0, behaviour };
          jobs.set(job.id, job);
          sendJson(res, 200, transcriptBody(job));
          return;
        }
      }
    }
    const match = /^\/v2\/transcript\/([\w-]+)$/.exec(request.path);
    if (req.method === 'GET' && match?.[1]) {
      const job = jobs.get(match[1]);
      if (job === undefined) {
        sendJson(res, 404, { error: 'Transcript not found' });
        return;
      }
      job.polls += 1;
      sendJson(res, 200, transcriptBody(job));
      return;
    }
    sendJson(res, 404, { error: 'Not found' });
  });
  url = server.url;
  return {
    url: server.url,
    apiKey,
    requests: server.requests,
    enqueue: (...behaviours) => {
      queue.push(...behaviours);
    },
    close: server.close,
  };
}
