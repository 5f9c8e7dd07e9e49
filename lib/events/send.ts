import type { EventType } from 'inngest';
import type { z } from 'zod';
import { injectTraceContext, TRACE_CONTEXT_KEY } from '@/lib/tracing';

type EventSchema = z.ZodType<Record<string, unknown>, Record<string, unknown>>;

export interface OutgoingEvent {
  name: string;
  data: Record<string, unknown>;
  // Idempotency id: a second event with the same id is dropped (by Inngest, and by the local runner).
  id?: string;
}

export type EventTransport = (event: OutgoingEvent) => Promise<{ ids: string[] }>;

export interface SendEventOptions {
  id?: string;
}

// The port between domain code and the pipeline backend: lib/ names the event and its data, and whoever runs the
// pipelines (inngest/client.ts registers itself when it loads) delivers it. So the dependency points one way,
// inngest/ → lib/, and lib/ can be tested and reused without the Inngest client. Kept on globalThis because Next
// loads instrumentation and route bundles as separate module graphs in one process.
const holder = globalThis as typeof globalThis & { __reflexEventTransport?: EventTransport };

export function registerEventTransport(transport: EventTransport): void {
  holder.__reflexEventTransport = transport;
}

// The one way app code emits an event. Validates with the event's own schema, then hands it to the transport: to
// Inngest when configured, otherwise to the local runner's intake. The promise resolves once the event is accepted,
// not when functions have run. It never waits on the database, so it is safe inside a tenant transaction on PGlite;
// but like any send it is not undone if that transaction rolls back, so send after commit when the event announces
// the transaction's writes.
export async function sendEvent<TName extends string, TSchema extends EventSchema>(
  type: EventType<TName, TSchema>,
  data: z.input<TSchema>,
  options: SendEventOptions = {},
): Promise<{ ids: string[] }> {
  const transport = holder.__reflexEventTransport;
  if (!transport) throw new Error('No event transport is registered: load inngest/client.ts at startup (instrumentation.ts does)');
  const parsed = type.schema.parse(data);
  // The sender's trace travels with the event, so the pipeline steps it starts join the same trace
  // (inngest/client.ts reads it back). Added after validation: it is not part of any event's schema.
  const carrier = injectTraceContext();
  const withTrace = carrier ? { ...parsed, [TRACE_CONTEXT_KEY]: carrier } : parsed;
  return transport({ name: type.name, data: withTrace, ...(options.id ? { id: options.id } : {}) });
}
