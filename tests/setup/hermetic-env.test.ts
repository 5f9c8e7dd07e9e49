import { describe, expect, it } from 'vitest';
import { envSchema } from '@/lib/env';

// What tests/setup/env.ts sets; every other variable lib/env.ts knows must be unset when a test starts, whatever
// the developer's shell exported (CI runs the embedded suite with junk values exported to prove it: .ci/run).
const SET_BY_SETUP = new Set(['DATABASE_URL', 'DATABASE_DRIVER', 'PGLITE_DIR', 'BETTER_AUTH_SECRET', 'RATE_LIMIT_IP_PER_MINUTE', 'RATE_LIMIT_AUTH_PER_MINUTE', 'LOCAL_RUNNER_CRONS_OFF', 'EMAIL_OUTBOX_DIR']);
const KEPT = new Set(['NODE_ENV', 'LOG_LEVEL']);

describe('the test environment is hermetic', () => {
  it('leaves no variable of the env schema set except the ones the setup sets', () => {
    const leaked = Object.keys(envSchema.shape).filter((name) => !SET_BY_SETUP.has(name) && !KEPT.has(name) && process.env[name] !== undefined);
    expect(leaked).toEqual([]);
    expect(process.env.BETTER_AUTH_SECRET).toBe('test-secret-test-secret-test-secret-0123');
  });

  it('clears the variables SDKs read on their own', () => {
    const leaked = Object.keys(process.env).filter((name) => /^(INNGEST_|UPSTASH_|KV_|OPENAI_|ASSEMBLYAI_|VERCEL_BLOB_|BLOB_)/.test(name));
    expect(leaked).toEqual([]);
  });
});
