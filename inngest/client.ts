import { Inngest, type Logger } from 'inngest';
import { registerEventTransport } from '@/lib/events/send';
import { getEnv } from '@/lib/env';
import { logger } from '@/lib/log';
import { choosePipelineBackend, LOCAL_RUNNER_ON_VERCEL } from '@/lib/pipelines/backend';
import { createLocalClientOptions } from './local/wire';
import { TraceStepsMiddleware } from './tracing';

// The SDK logs pino-style (`{ err }, 'message'`) and console-style; both become one JSON line through lib/log.
function toFields(args: unknown[]): { message: string; fields: Record<string, unknown> } {
  const fields: Record<string, unknown> = { source: 'inngest' };
  const words: string[] = [];
  for (const arg of args) {
    if (typeof arg === 'string') words.push(arg);
    else if (arg instanceof Error) fields.error = arg.message;
    else if (arg && typeof arg === 'object') {
      for (const [k, v] of Object.entries(arg)) fields[k] = v instanceof Error ? v.message : v;
    } else if (arg !== undefined) words.push(String(arg));
  }
  return { message: words.join(' ') || 'inngest', fields };
}

const sdkLogger: Logger = {
  debug: (...args) => {
    const { message, fields } = toFields(args);
    logger.debug(message, fields);
  },
  info: (...args) => {
    const { message, fields } = toFields(args);
    logger.info(message, fields);
  },
  warn: (...args) => {
    const { message, fields } = toFields(args);
    logger.warn(message, fields);
  },
  error: (...args) => {
    const { message, fields } = toFields(args);
    logger.error(message, fields);
  },
};

const env = getEnv();

export const pipelineBackend = choosePipelineBackend(env);

// One client for the whole app. With Inngest configured it is the stock client (keys and URLs from the env);
// otherwise its sends and syncs are wired to the in-process runner (inngest/local).
export const inngest = new Inngest({
  id: 'reflex',
  logger: sdkLogger,
  internalLogger: sdkLogger,
  middleware: [TraceStepsMiddleware],
  ...(pipelineBackend === 'inngest'
    ? { eventKey: env.INNGEST_EVENT_KEY, signingKey: env.INNGEST_SIGNING_KEY, baseUrl: env.INNGEST_BASE_URL }
    : createLocalClientOptions()),
});

// Domain code sends through lib/events/send.ts; this is where those events leave the process.
registerEventTransport(async (event) => {
  if (pipelineBackend === 'local' && getEnv().VERCEL) throw new Error(LOCAL_RUNNER_ON_VERCEL);
  const { ids } = await inngest.send(event);
  return { ids };
});
