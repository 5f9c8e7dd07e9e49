import type { EventType } from 'inngest';
import type { z } from 'zod';
import { getEnv } from '@/lib/env';
import { LOCAL_RUNNER_ON_VERCEL } from '@/lib/pipelines/backend';
import { inngest, pipelineBackend } from './client';

type TenantEventSchema = z.ZodType<{ tenantId: string } & Record<string, unknown>, Record<string, unknown>>;

export interface SendEventOptions {
  // Idempotency id: a second event with the same id is dropped (by Inngest, and by the local runner).
  id?: string;
}

// The one way app code emits an event. Validates with the event's own schema, then sends through the SDK:
// to Inngest when configured, otherwise to the local runner's intake (started on first use). The promise
// resolves once the event is accepted, not when functions have run. It never waits on the database, so it is
// safe inside a tenant transaction on PGlite; but like any send it is not undone if that transaction rolls back,
// so send after commit when the event announces the transaction's writes.
export async function sendEvent<TName extends string, TSchema extends TenantEventSchema>(
  type: EventType<TName, TSchema>,
  data: z.input<TSchema>,
  options: SendEventOptions = {},
): Promise<{ ids: string[] }> {
  if (pipelineBackend === 'local' && getEnv().VERCEL) throw new Error(LOCAL_RUNNER_ON_VERCEL);
  const parsed = type.schema.parse(data);
  const { ids } = await inngest.send({ name: type.name, data: parsed, ...(options.id ? { id: options.id } : {}) });
  return { ids };
}
