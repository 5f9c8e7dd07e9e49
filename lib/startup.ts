import { existsSync } from 'node:fs';
import { chooseDriver, getDbHandle } from '@/lib/db/client';
import { getEnv, type Env } from '@/lib/env';
import { describeEmailBackend } from '@/lib/email/transport';
import { integrationsKeyWarning } from '@/lib/integrations/crypto';
import { logger } from '@/lib/log';
import { describePipelinePool, pipelinePoolSettings } from '@/lib/workers/pipeline-pool';

export function describeBackends(env: Env): Record<string, string> {
  const driver = chooseDriver(env);
  const kvConfigured = Boolean((env.KV_REST_API_URL && env.KV_REST_API_TOKEN) || (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN));
  const ai = ['offline'];
  if (env.OPENAI_API_KEY) ai.push('openai');
  if (env.SELF_HOSTED_AI_URL) ai.push('self-hosted');
  if (env.ASSEMBLYAI_API_KEY) ai.push('assemblyai');
  return {
    database: driver === 'pglite' ? `PGlite (embedded) at ${env.PGLITE_DIR}` : driver === 'neon' ? 'Neon (serverless WebSocket pool)' : 'PostgreSQL (pg pool)',
    kv: kvConfigured ? 'Upstash REST (@vercel/kv)' : 'in-process store',
    rateLimits: kvConfigured ? '@upstash/ratelimit over KV' : 'in-process limiter',
    pipelines: env.INNGEST_EVENT_KEY || env.INNGEST_BASE_URL ? 'Inngest' : 'local runner (in-process, state in the database)',
    ai: ai.join(', '),
    files: env.BLOB_READ_WRITE_TOKEN ? 'Vercel Blob' : `local disk at ${env.BLOB_DIR}`,
    workers: describePipelinePool(pipelinePoolSettings(env)),
    email: describeEmailBackend(env),
  };
}

export async function startServer(): Promise<void> {
  const env = getEnv();
  if (env.VERCEL && chooseDriver(env) === 'pglite') {
    throw new Error('On Vercel the embedded database is refused (serverless disks do not last): set DATABASE_URL.');
  }
  for (const [concern, backend] of Object.entries(describeBackends(env))) logger.info(`backend ${concern}: ${backend}`, { concern, backend });
  const workerBundle = pipelinePoolSettings(env).filename;
  if (!existsSync(workerBundle)) {
    logger.error(`the pipeline worker bundle ${workerBundle} is missing: documents will fail until \`npm run build:workers\` has run`);
  }
  const emailWarning = emailStartupWarning(env);
  if (emailWarning) logger.warn(emailWarning, { concern: 'email' });
  const keyWarning = integrationsKeyWarning(env);
  if (keyWarning) logger.warn(keyWarning, { concern: 'integrations' });
  await getDbHandle();
  logger.info('database ready');
}

// A serverless deployment has no lasting disk and nobody reading a dev outbox: without SMTP nothing reaches anyone.
// A warning, not a refusal: the app works, people just cannot be invited by email or reset a password themselves.
export function emailStartupWarning(env: Env): string | null {
  if (!env.VERCEL || env.SMTP_URL) return null;
  return 'SMTP_URL is not set: invitations, email verification and password resets cannot be delivered (emails go to a dev outbox nobody can read on Vercel). Set SMTP_URL and EMAIL_FROM.';
}
