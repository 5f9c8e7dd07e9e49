import { AiError } from '@/lib/ai/errors';
import { logger } from '@/lib/log';
import { runQueryAi } from '@/lib/search/ai';
import type { AskCitation, AskEvent, PreparedAsk } from './ask';

export const NO_SOURCES_ANSWER = 'I found nothing in your documents about that.';
export const ASK_CONTENT_TYPE = 'application/x-ndjson; charset=utf-8';
// Words per delta line: small enough to render progressively, large enough not to flood the stream.
const WORDS_PER_DELTA = 4;

export function splitDeltas(answer: string): string[] {
  const pieces = answer.match(/\S+\s*/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < pieces.length; i += WORDS_PER_DELTA) out.push(pieces.slice(i, i + WORDS_PER_DELTA).join(''));
  return out;
}

// Providers cite the refs they were given (S1, S2…); anything else would point outside the retrieved chunks.
function mapCitations(prepared: PreparedAsk, cited: readonly { id: string; snippet: string }[]): AskCitation[] {
  const byRef = new Map(prepared.sources.map((s) => [s.ref, s]));
  const seen = new Set<string>();
  const out: AskCitation[] = [];
  for (const c of cited) {
    const source = byRef.get(c.id);
    if (!source || seen.has(source.ref)) continue;
    seen.add(source.ref);
    out.push({
      ref: source.ref,
      chunkId: source.chunkId,
      documentId: source.documentId,
      documentTitle: source.documentTitle,
      ord: source.ord,
      charStart: source.charStart,
      charEnd: source.charEnd,
      snippet: c.snippet.trim() === '' ? source.snippet : c.snippet,
    });
  }
  return out;
}

function errorEvent(err: unknown, tenantId: string): AskEvent {
  if (err instanceof AiError) return { type: 'error', error: { code: err.code, message: err.message } };
  logger.error('assistant answer failed', { tenantId, error: err instanceof Error ? err.message : String(err) });
  return { type: 'error', error: { code: 'internal', message: 'Something went wrong while answering. Try again.' } };
}

// Streams the answer to a prepared question as NDJSON. Runs after the request's tenant transaction has closed:
// the answer call's usage row is written in its own short transaction.
export function answerStream(prepared: PreparedAsk, request: { requestId: string; signal?: AbortSignal }): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const abort = new AbortController();
  const onRequestAbort = () => abort.abort();
  request.signal?.addEventListener('abort', onRequestAbort, { once: true });
  // Set when the consumer goes away; the controller must not be touched after that.
  let cancelled = false;

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: AskEvent) => {
        if (!cancelled) controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      };
      try {
        send({ type: 'sources', mode: prepared.mode, sources: prepared.sources.map(({ text: _text, ...s }) => s) });
        if (prepared.sources.length === 0) {
          send({ type: 'delta', text: NO_SOURCES_ANSWER });
          send({ type: 'done', answer: NO_SOURCES_ANSWER, citations: [], provider: null, model: null, confidence: 0, lowConfidence: true });
          return;
        }
        const contexts = prepared.sources.map((s) => ({ id: s.ref, text: `${s.documentTitle}\n\n${s.text}` }));
        const result = await runQueryAi(prepared.settings, undefined, (router) =>
          router.run(
            'answer',
            { question: prepared.question, contexts },
            { tenantId: prepared.tenantId, idempotencyKey: `ask:${request.requestId}:answer`, signal: abort.signal },
          ),
        );
        for (const text of splitDeltas(result.output.answer)) send({ type: 'delta', text });
        send({
          type: 'done',
          answer: result.output.answer,
          citations: mapCitations(prepared, result.output.citations),
          provider: result.provider,
          model: result.model,
          confidence: result.confidence,
          lowConfidence: result.lowConfidence,
        });
      } catch (err) {
        send(errorEvent(err, prepared.tenantId));
      } finally {
        request.signal?.removeEventListener('abort', onRequestAbort);
        if (!cancelled) controller.close();
      }
    },
    cancel() {
      cancelled = true;
      abort.abort();
    },
  });
}
