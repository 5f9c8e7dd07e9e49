import { getEnv } from '@/lib/env';
import { currentTraceId } from '@/lib/tracing';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// One JSON line per event: what log drains on Vercel and elsewhere parse without configuration.
function write(level: Level, message: string, fields?: Record<string, unknown>): void {
  let threshold: Level = 'info';
  try {
    threshold = getEnv().LOG_LEVEL;
  } catch {
    threshold = 'info';
  }
  if (ORDER[level] < ORDER[threshold]) return;
  // The trace id ties the line to its trace (and to the requestId of an error response, which is the same id).
  const traceId = currentTraceId();
  const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...(traceId ? { traceId } : {}), ...fields });
  if (level === 'error' || level === 'warn') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}

export const logger = {
  debug: (m: string, f?: Record<string, unknown>) => write('debug', m, f),
  info: (m: string, f?: Record<string, unknown>) => write('info', m, f),
  warn: (m: string, f?: Record<string, unknown>) => write('warn', m, f),
  error: (m: string, f?: Record<string, unknown>) => write('error', m, f),
};
