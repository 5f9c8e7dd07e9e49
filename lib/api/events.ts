import { z } from 'zod';
import { defineOperation } from '@/lib/http/operation';

export const streamEventsQuery = z.strictObject({
  lastEventId: z
    .string()
    .max(32)
    .optional()
    .describe('Same as the Last-Event-ID header, for EventSource polyfills that cannot set headers'),
});

export const streamEventsOp = defineOperation({
  id: 'streamEvents',
  method: 'GET',
  path: '/api/v1/events',
  summary:
    'Server-Sent Events of the organization (task and document changes, budget alerts) that the caller may see. ' +
    'Reconnect with Last-Event-ID to receive everything missed, in order, exactly once; a `reset` event means ' +
    'the gap is older than retention and the client should reload.',
  tag: 'realtime',
  auth: 'tenant',
  query: streamEventsQuery,
  response: z.string().describe('text/event-stream: `id:` outbox sequence, `event:` type, `data:` JSON payload'),
  responseContentType: 'text/event-stream',
});
