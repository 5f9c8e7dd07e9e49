import { streamEventsOp } from '@/lib/api/events';
import { tenantRoute } from '@/lib/http/route';
import { reauthorizerFor } from '@/lib/realtime/access';
import { eventStreamResponse } from '@/lib/realtime/stream';

export const dynamic = 'force-dynamic';
// Vercel's limit for the stream; lib/realtime/stream.ts ends it at 280 s so the client resumes cleanly.
export const maxDuration = 300;

// The wrapper authenticates and authorizes in its transaction; the stream itself runs after that transaction
// has ended and opens its own short reads.
export const GET = tenantRoute(streamEventsOp, ({ req, tenantId, access, query }) =>
  Promise.resolve(
    eventStreamResponse({
      tenantId,
      permissions: access.permissions,
      lastEventId: req.headers.get('last-event-id') ?? query.lastEventId ?? null,
      signal: req.signal,
      reauthorize: reauthorizerFor(req.headers, tenantId),
    }),
  ),
);
