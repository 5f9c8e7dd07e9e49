import { inngest } from '@/inngest/client';
import { heartbeatRequested } from '@/lib/events/system';

// The smallest real pipeline: proves that an event reaches a function and a step's result is memoized.
export const recordHeartbeat = inngest.createFunction(
  { id: 'record-heartbeat', triggers: [heartbeatRequested], retries: 0 },
  async ({ event, step }) => {
    const answeredAt = await step.run('answer', () => new Date().toISOString());
    return { tenantId: event.data.tenantId, requestedAt: event.data.requestedAt, answeredAt };
  },
);
