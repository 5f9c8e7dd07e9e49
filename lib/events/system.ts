import { z } from 'zod';
import { defineEvent } from './define';

// A tenant (or an operator on its behalf) asked whether pipelines are alive; answered by system/record-heartbeat.
export const heartbeatRequested = defineEvent('system/heartbeat-requested', {
  requestedAt: z.iso.datetime(),
});
