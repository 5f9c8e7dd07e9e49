import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { RunnerEventPayload } from '@/lib/db/schema/runner';
import { logger } from '@/lib/log';

// What the Inngest client talks to when no Inngest server is configured. The client keeps its real send and sync
// code paths; its fetch lands here instead of on the network:
//   POST <base>/e/<key>           events (inngest.send, step.sendEvent)  -> the runner's intake
//   POST <base>/fn/register?...   function configs from a serve-handler PUT -> whoever asked for them
//   POST <base>/v1/checkpoint/<run>/async  steps the serve handler ran inside one call -> the runner driving <run>
// Signing: the client runs in cloud mode with a signing key that only this process knows, so the public
// /api/inngest route answers 401 to everyone else, and the runner signs the requests it makes.

export const LOCAL_BASE_URL = 'http://reflex-local-runner.invalid/';

const eventPayloadsSchema = z.array(
  z.object({
    name: z.string().min(1),
    data: z.record(z.string(), z.unknown()).optional(),
    id: z.string().min(1).optional(),
    ts: z.number().optional(),
    v: z.string().optional(),
  }),
);

const checkpointBodySchema = z.object({ steps: z.array(z.unknown()) });

interface LocalHub {
  signingKey: string;
  intake: RunnerEventPayload[];
  registrations: Map<string, (body: unknown) => void>;
  // Set by the runner while it drives a run: records steps checkpointed mid-call; false when the run ended meanwhile.
  checkpoints: Map<string, (steps: unknown) => Promise<boolean>>;
  // Set by the runner: called when events arrive. Before a runner exists, the first event lazily starts one.
  notify?: () => void;
}

// The cast only adds this module's slot to globalThis.
const holder = globalThis as typeof globalThis & { __reflexLocalHub?: LocalHub };

export function getLocalHub(): LocalHub {
  holder.__reflexLocalHub ??= {
    signingKey: `signkey-local-${randomBytes(32).toString('hex')}`,
    intake: [],
    registrations: new Map(),
    checkpoints: new Map(),
  };
  return holder.__reflexLocalHub;
}

function respondJson(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

async function readBody(input: RequestInfo | URL, init?: RequestInit): Promise<unknown> {
  const text = input instanceof Request ? await input.text() : typeof init?.body === 'string' ? init.body : '';
  return text ? JSON.parse(text) : null;
}

async function handleLocalFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input.toString());
  const hub = getLocalHub();
  if (url.pathname.startsWith('/e/')) {
    const parsed = eventPayloadsSchema.safeParse(await readBody(input, init));
    if (!parsed.success) return respondJson({ status: 400, error: parsed.error.message }, 400);
    const accepted = parsed.data.map(
      (p): RunnerEventPayload => ({ name: p.name, data: p.data ?? {}, id: p.id ?? randomUUID(), ts: p.ts ?? Date.now(), ...(p.v ? { v: p.v } : {}) }),
    );
    hub.intake.push(...accepted);
    if (hub.notify) hub.notify();
    else {
      void import('./index')
        .then((m) => m.startLocalRunner())
        .catch((err: unknown) => logger.error('local runner: could not start', { error: err instanceof Error ? err.message : String(err) }));
    }
    return respondJson({ status: 200, ids: accepted.map((e) => e.id) });
  }
  if (url.pathname === '/fn/register') {
    const waiter = hub.registrations.get(url.searchParams.get('deployId') ?? '');
    if (!waiter) return respondJson({ status: 200, skipped: true, error: 'the local runner registers its own functions' });
    waiter(await readBody(input, init));
    return respondJson({ status: 200, modified: true });
  }
  const checkpoint = /^\/v1\/checkpoint\/([^/]+)\/async$/.exec(url.pathname);
  if (checkpoint) {
    const record = hub.checkpoints.get(decodeURIComponent(checkpoint[1] ?? ''));
    const parsed = checkpointBodySchema.safeParse(await readBody(input, init));
    if (!parsed.success) return respondJson({ status: 400, error: parsed.error.message }, 400);
    // 409 is the SDK's "stale dispatch": it stops running the function instead of going on without a record.
    if (!record || !(await record(parsed.data.steps))) return respondJson({ status: 409, error: 'the run is not being driven' }, 409);
    return respondJson({ status: 200 });
  }
  return respondJson({ status: 404, error: `${url.pathname} is not available without an Inngest server` }, 404);
}

export function createLocalClientOptions() {
  return {
    isDev: false,
    baseUrl: LOCAL_BASE_URL,
    eventKey: 'local-runner',
    signingKey: getLocalHub().signingKey,
    fetch: handleLocalFetch,
    // The SDK runs the next step in the same serve-handler call after the runner recorded the last one (one call per
    // run instead of one per step, and no replay of the memoized steps for each step).
    checkpointing: true,
  };
}
