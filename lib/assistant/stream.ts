import { AiError } from '@/lib/ai/errors';
import { withTenant } from '@/lib/db/tenant';
import { logger } from '@/lib/log';
import { runQueryAi } from '@/lib/search/ai';
import type { AskCitation, AskEvent, PreparedAsk } from './ask';
import { finishTurn, type TurnOutcome } from './conversations';

export const NO_SOURCES_ANSWER = 'I found nothing in your documents about that.';
export const INTERRUPTED_ANSWER = 'The answer was interrupted before it finished.';
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

function outcomeOf(event: AskEvent, partial: string): TurnOutcome | null {
  if (event.type === 'done') {
    const { answer, citations, provider, model, confidence, lowConfidence } = event;
    return { status: 'done', answer, citations, provider, model, confidence, lowConfidence };
  }
  if (event.type === 'error') return { status: 'error', answer: partial, error: event.error.message };
  return null;
}

// A conversation keeps what was answered, in a short transaction of its own (the request's one has committed).
// Never throws: the person already has the answer on screen, and a failed write must not turn it into an error.
async function keepTurn(prepared: PreparedAsk, outcome: TurnOutcome): Promise<void> {
  const turn = prepared.turn;
  if (!turn) return;
  try {
    await withTenant(prepared.tenantId, (tx) => finishTurn(tx, turn.id, outcome), { userId: turn.userId });
  } catch (err) {
    logger.error('assistant: could not store the answer in its conversation', {
      tenantId: prepared.tenantId,
      turnId: turn.id,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

// Streams the answer to a prepared question as NDJSON. A ReadableStream starts as soon as it is built, which is
// inside the request's tenant transaction, so nothing happens until `committed` resolves: on a server database the
// conversation turn inserted by that transaction is invisible to keepTurn's own transaction until then. The answer
// call's usage row is written in its own short transaction.
export function answerStream(
  prepared: PreparedAsk,
  request: { requestId: string; signal?: AbortSignal; committed: Promise<void> },
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const abort = new AbortController();
  const onRequestAbort = () => abort.abort();
  request.signal?.addEventListener('abort', onRequestAbort, { once: true });
  // Set when the consumer goes away; the controller must not be touched after that.
  let cancelled = false;

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      // What the conversation keeps: the answer so far, and how it ended.
      const kept: { partial: string; outcome: TurnOutcome | null } = { partial: '', outcome: null };
      await request.committed;
      const send = (event: AskEvent) => {
        if (event.type === 'delta') kept.partial += event.text;
        kept.outcome = outcomeOf(event, kept.partial) ?? kept.outcome;
        if (!cancelled) controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      };
      try {
        send({
          type: 'sources',
          mode: prepared.mode,
          searchQuery: prepared.searchQuery,
          conversationId: prepared.turn?.conversationId ?? null,
          turnId: prepared.turn?.id ?? null,
          sources: prepared.sources.map(({ text: _text, ...s }) => s),
        });
        if (prepared.sources.length === 0) {
          send({ type: 'delta', text: NO_SOURCES_ANSWER });
          send({ type: 'done', answer: NO_SOURCES_ANSWER, citations: [], provider: null, model: null, confidence: 0, lowConfidence: true });
          return;
        }
        const contexts = prepared.sources.map((s) => ({ id: s.ref, text: `${s.documentTitle}\n\n${s.text}` }));
        const history = prepared.history.length > 0 ? { history: prepared.history } : {};
        const result = await runQueryAi(prepared.settings, undefined, (router) =>
          router.run(
            'answer',
            { question: prepared.question, contexts, ...history },
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
        const finished = kept.outcome?.status === 'done' || (kept.outcome && !cancelled) ? kept.outcome : null;
        await keepTurn(prepared, finished ?? { status: 'error', answer: kept.partial, error: INTERRUPTED_ANSWER });
        if (!cancelled) controller.close();
      }
    },
    cancel() {
      cancelled = true;
      abort.abort();
    },
  });
}
