import type { Env } from '@/lib/env';

export type PipelineBackend = 'inngest' | 'local';

// An event key or a base URL (Inngest Cloud, a self-hosted server or the dev server) means real Inngest;
// anything else is the embedded local runner.
export function choosePipelineBackend(env: Env): PipelineBackend {
  return env.INNGEST_EVENT_KEY || env.INNGEST_BASE_URL ? 'inngest' : 'local';
}

export const LOCAL_RUNNER_ON_VERCEL =
  'The local pipeline runner cannot run on Vercel (serverless functions do not stay up to drive runs). ' +
  'Set INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY to use Inngest.';
