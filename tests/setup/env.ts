import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { envSchema } from '@/lib/env';

// Tests are hermetic: nothing exported in the developer's shell (a PLATFORM_ADMIN_TOKEN, an OPENAI_API_KEY, a KV
// URL) reaches them. Every variable lib/env.ts knows is cleared, derived from its schema so that a new variable is
// covered the day it is added; tests then set what they need. Two knobs change nothing a test asserts and stay
// with the developer: NODE_ENV (vitest's own) and LOG_LEVEL.
const KEPT = new Set(['NODE_ENV', 'LOG_LEVEL']);
// SDKs that read their own variables straight from the environment, beyond the ones lib/env.ts validates
// (inngest: INNGEST_ENV, INNGEST_SERVE_ORIGIN…; @vercel/blob: VERCEL_BLOB_API_URL).
const SDK_PREFIXES = ['INNGEST_', 'UPSTASH_', 'KV_', 'OPENAI_', 'ASSEMBLYAI_', 'VERCEL_BLOB_', 'BLOB_'];

for (const name of Object.keys(envSchema.shape)) if (!KEPT.has(name)) delete process.env[name];
for (const name of Object.keys(process.env)) if (SDK_PREFIXES.some((p) => name.startsWith(p))) delete process.env[name];

// Each test file runs on its own in-memory PGlite unless the suite targets a real server (TEST_DATABASE_URL).
const serverUrl = inject('databaseUrl');
if (serverUrl) {
  process.env.DATABASE_URL = serverUrl;
  process.env.DATABASE_DRIVER = 'pg';
} else {
  process.env.PGLITE_DIR = 'memory://';
}
process.env.BETTER_AUTH_SECRET = 'test-secret-test-secret-test-secret-0123';
process.env.RATE_LIMIT_IP_PER_MINUTE = '100000';
process.env.RATE_LIMIT_AUTH_PER_MINUTE = '100000';
process.env.LOG_LEVEL ??= 'warn';
// Without SMTP_URL emails go to the dev outbox: a directory of this test process, never the repo's .data/.
process.env.EMAIL_OUTBOX_DIR = path.join(tmpdir(), `reflex-test-outbox-${process.pid}`);
// Cron triggers fire only in tests that drive the runner's clock themselves (inngest/local/runner.ts).
process.env.LOCAL_RUNNER_CRONS_OFF = '1';

// Domain code sends events through lib/events/send.ts; the pipeline client registers itself as the transport when it
// loads (instrumentation.ts loads it in the server).
await import('@/inngest/client');
// Loading the client read the environment; test files set theirs (BLOB_DIR, …) after this file, so read it again then.
(await import('@/lib/env')).resetEnvForTests();
