import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';

// Each test file runs on its own in-memory PGlite unless the suite targets a real server (TEST_DATABASE_URL).
const serverUrl = inject('databaseUrl');
if (serverUrl) {
  process.env.DATABASE_URL = serverUrl;
  process.env.DATABASE_DRIVER = 'pg';
} else {
  delete process.env.DATABASE_URL;
  process.env.PGLITE_DIR = 'memory://';
}
process.env.BETTER_AUTH_SECRET ??= 'test-secret-test-secret-test-secret-0123';
process.env.RATE_LIMIT_IP_PER_MINUTE ??= '100000';
process.env.RATE_LIMIT_AUTH_PER_MINUTE ??= '100000';
process.env.LOG_LEVEL ??= 'warn';
// Without SMTP_URL emails go to the dev outbox: a directory of this test process, never the repo's .data/.
process.env.EMAIL_OUTBOX_DIR ??= path.join(tmpdir(), `reflex-test-outbox-${process.pid}`);
// Cron triggers fire only in tests that drive the runner's clock themselves (inngest/local/runner.ts).
process.env.LOCAL_RUNNER_CRONS_OFF ??= '1';

// Domain code sends events through lib/events/send.ts; the pipeline client registers itself as the transport when it
// loads (instrumentation.ts loads it in the server).
await import('@/inngest/client');
// Loading the client read the environment; test files set theirs (BLOB_DIR, …) after this file, so read it again then.
(await import('@/lib/env')).resetEnvForTests();
