// Entry of the pipeline worker thread. scripts/build-workers.ts bundles it (with everything it imports) into
// dist/workers/pipeline-worker.mjs, which lib/workers/pipeline-pool.ts starts with heap limits. It must stay free of
// database, env and logging code: it only turns bytes and text into results.
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { OfflineProvider } from '@/lib/ai/providers/offline';
import { aiSchemas, type AiProvider, type ProviderCallContext } from '@/lib/ai/types';
import { chunkSpans } from '@/lib/documents/chunk';
import { extractText } from '@/lib/documents/pipeline/extract';
import { currentThreadId, lowerThreadPriority } from './thread';
import { pipelineTaskSchema, pipelineWorkerDataSchema, type PipelineTask, type WorkerAiOperation } from './pipeline-protocol';

const offline: AiProvider = new OfflineProvider();

// The offline provider ignores the call context (no network, nothing to cancel or deduplicate); the pool's
// deadline is what bounds a call.
const callContext: ProviderCallContext = { idempotencyKey: 'pipeline-worker', signal: new AbortController().signal, timeoutMs: 0 };

function unsupported(op: WorkerAiOperation): never {
  throw new Error(`The offline provider does not implement ${op}`);
}

// Through the provider interface, so the offline provider's internals can change freely behind it.
async function runOffline(op: WorkerAiOperation, raw: unknown): Promise<unknown> {
  switch (op) {
    case 'embed':
      return (offline.embed ?? unsupported(op)).call(offline, aiSchemas.embed.input.parse(raw), callContext);
    case 'classify':
      return (offline.classify ?? unsupported(op)).call(offline, aiSchemas.classify.input.parse(raw), callContext);
    case 'verify':
      return (offline.verify ?? unsupported(op)).call(offline, aiSchemas.verify.input.parse(raw), callContext);
    case 'summarize':
      return (offline.summarize ?? unsupported(op)).call(offline, aiSchemas.summarize.input.parse(raw), callContext);
    case 'extract-actions':
      return (offline['extract-actions'] ?? unsupported(op)).call(offline, aiSchemas['extract-actions'].input.parse(raw), callContext);
  }
}

async function handle(task: PipelineTask): Promise<{ value: unknown; transfer: ArrayBuffer[] }> {
  switch (task.type) {
    case 'extract': {
      const value = await extractText(task.kind, task.bytes, { maxPages: task.maxPages, maxChars: task.maxChars });
      return { value, transfer: [] };
    }
    case 'chunk': {
      const spans = chunkSpans(task.text);
      return { value: { spans }, transfer: [spans.buffer] };
    }
    case 'ai':
      return { value: await runOffline(task.op, task.input), transfer: [] };
    case 'probe':
      return { value: { threadId }, transfer: [] };
  }
}

const port = parentPort;
if (!port) throw new Error('lib/workers/pipeline-worker.ts runs as a worker thread (lib/workers/pipeline-pool.ts starts it)');
lowerThreadPriority(pipelineWorkerDataSchema.parse(workerData).niceIncrement);
// Lets the pool measure this thread's CPU time, so deadlines are not spent waiting for a busy machine.
const tid = currentThreadId();
if (tid !== null) port.postMessage({ hello: { tid } });

port.on('message', (message: { id: number; payload: unknown }) => {
  const parsed = pipelineTaskSchema.safeParse(message.payload);
  if (!parsed.success) {
    port.postMessage({ id: message.id, ok: false, error: `Invalid pipeline task: ${parsed.error.message}` });
    return;
  }
  handle(parsed.data).then(
    ({ value, transfer }) => port.postMessage({ id: message.id, ok: true, value }, transfer),
    (err: unknown) => port.postMessage({ id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});

// The first call of each operation is slow (lexicons built, code paths compiled: ~0.2 s for classify, more for
// action items). Paying it on a sample now, while the pool prestarts at server start, keeps it off the first
// document. Tasks that arrive meanwhile wait in the port's queue; a failure here only leaves the thread cold.
const WARM_UP_TEXT = [
  'Weekly planning meeting, Monday 3 March 2025.',
  'Attendees: Alice, Bob. Decisions: ship the beta next week.',
  'Action items: Alice will send the release notes by Friday. Bob to review the budget before the board meeting.',
].join('\n');

async function warmUp(): Promise<void> {
  chunkSpans(WARM_UP_TEXT);
  const text = WARM_UP_TEXT;
  await runOffline('embed', { texts: [text] });
  await runOffline('classify', { text, categories: [{ name: 'meeting' }, { name: 'other' }] });
  await runOffline('verify', { text, rules: [{ kind: 'required-section', name: 'Action items' }] });
  await runOffline('summarize', { text });
  await runOffline('extract-actions', { text, referenceDate: '2025-03-03' });
}

warmUp().catch(() => undefined);
