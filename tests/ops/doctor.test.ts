import { describe, expect, inject, it } from 'vitest';
import { checkAiProviders, checkDatabase, checkEnv, checkFilesAndSecrets, checkInngest, checkKv, formatChecklist, hasFailures, runDoctor } from '@/lib/health/doctor';
import { parseEnv } from '@/lib/env';
import { sendJson, startFakeServer } from '../fakes/http-server';

// parseEnv takes a whole process environment.
const envOf = (vars: Record<string, string>): NodeJS.ProcessEnv => ({ NODE_ENV: 'test', ...vars });

// A port nothing listens on: bind, note it, close.
async function closedPort(): Promise<number> {
  const server = await startFakeServer(() => undefined);
  const port = Number(new URL(server.url).port);
  await server.close();
  return port;
}

describe('doctor', () => {
  it('explains an invalid environment instead of crashing', async () => {
    const lines = await runDoctor(envOf({ DATABASE_URL: 'mysql://nope', BETTER_AUTH_SECRET: 'short' }));
    expect(hasFailures(lines)).toBe(true);
    const messages = lines.map((l) => l.message).join('\n');
    expect(messages).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL');
    expect(messages).toContain('BETTER_AUTH_SECRET must be at least 32 characters');
  });

  it('reports an unreachable DATABASE_URL as one clear failure line', async () => {
    const port = await closedPort();
    const env = parseEnv(envOf({ DATABASE_URL: `postgres://reflex:secret-password@127.0.0.1:${port}/reflex` }));
    const lines = await checkDatabase(env);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ area: 'Database', status: 'fail' });
    expect(lines[0]?.message).toMatch(new RegExp(`cannot connect to postgres://reflex@127\\.0\\.0\\.1:${port}/reflex: .*ECONNREFUSED`));
    // The password never reaches the terminal.
    expect(lines[0]?.message).not.toContain('secret-password');
    expect(lines[0]?.fix).toContain('DATABASE_URL');
  });

  it('refuses the embedded defaults on Vercel and names what to set', async () => {
    const env = parseEnv(envOf({ VERCEL: '1' }));
    const lines = [...(await checkDatabase(env)), ...(await checkKv(env)), ...checkInngest(env), ...checkFilesAndSecrets(env)];
    const failed = lines.filter((l) => l.status === 'fail');
    const fixes = failed.map((l) => l.fix).join('\n');
    for (const name of ['DATABASE_URL', 'KV_REST_API_URL', 'INNGEST_EVENT_KEY', 'BLOB_READ_WRITE_TOKEN', 'BETTER_AUTH_SECRET']) {
      expect(fixes).toContain(name);
    }
    expect(formatChecklist(lines)).toMatch(/✗ Database/);
  });

  it('accepts the embedded defaults off Vercel', async () => {
    const env = parseEnv(envOf({}));
    const lines = [...(await checkDatabase(env)), ...(await checkKv(env)), ...checkInngest(env), ...(await checkAiProviders(env)), ...checkFilesAndSecrets(env)];
    expect(hasFailures(lines)).toBe(false);
  });

  it('checks Inngest key formats', () => {
    const bad = checkInngest(parseEnv(envOf({ INNGEST_EVENT_KEY: 'has spaces in it', INNGEST_SIGNING_KEY: 'not-a-signing-key' })));
    expect(bad.filter((l) => l.status === 'fail')).toHaveLength(2);
    const good = checkInngest(parseEnv(envOf({ INNGEST_EVENT_KEY: 'a'.repeat(40), INNGEST_SIGNING_KEY: `signkey-prod-${'0a'.repeat(32)}` })));
    expect(hasFailures(good)).toBe(false);
  });

  it('tells a rejected AI key from an unreachable endpoint', async () => {
    const fake = await startFakeServer((req, res) => {
      if (req.headers.authorization === 'Bearer good-key') sendJson(res, 200, { object: 'list', data: [] });
      else sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    });
    const good = await checkAiProviders(parseEnv(envOf({ OPENAI_API_KEY: 'good-key', OPENAI_BASE_URL: `${fake.url}/v1` })));
    expect(good[0]).toMatchObject({ status: 'ok' });
    expect(fake.requests.at(-1)?.path).toBe('/v1/models');
    const rejected = await checkAiProviders(parseEnv(envOf({ OPENAI_API_KEY: 'bad-key', OPENAI_BASE_URL: `${fake.url}/v1` })));
    expect(rejected[0]).toMatchObject({ status: 'fail', fix: 'check OPENAI_API_KEY' });
    await fake.close();
    const port = await closedPort();
    const unreachable = await checkAiProviders(parseEnv(envOf({ SELF_HOSTED_AI_URL: `http://127.0.0.1:${port}/v1`, SELF_HOSTED_AI_MODEL: 'm' })));
    expect(unreachable[0]?.status).toBe('fail');
    expect(unreachable[0]?.message).toContain('unreachable');
  });

  it('reports a KV that refuses the token', async () => {
    const fake = await startFakeServer((_req, res) => sendJson(res, 401, { error: 'Unauthorized' }));
    const lines = await checkKv(parseEnv(envOf({ KV_REST_API_URL: fake.url, KV_REST_API_TOKEN: 'wrong' })));
    expect(lines[0]?.status).toBe('fail');
    await fake.close();
  });

  it('validates env the same way the app does', () => {
    expect(checkEnv(envOf({})).env).toBeDefined();
    expect(checkEnv(envOf({ LOG_LEVEL: 'loud' })).lines[0]?.status).toBe('fail');
  });
});

// The role checks need a real server: the app's login role must be NOINHERIT, a member of app_user and
// app_auth, and neither superuser nor BYPASSRLS.
const appUrl = inject('databaseUrl');
if (!appUrl) console.log('[doctor] role checks skipped: they need a real server (set TEST_DATABASE_URL)');
describe.skipIf(!appUrl)('doctor against real PostgreSQL', () => {
  it('passes the prepared login role and sees every migration applied', async () => {
    const lines = await checkDatabase(parseEnv(envOf({ DATABASE_URL: appUrl ?? '', DATABASE_OWNER_URL: inject('ownerDatabaseUrl') ?? '' })));
    expect(lines.filter((l) => l.status === 'fail')).toEqual([]);
    expect(lines.map((l) => l.message).join('\n')).toMatch(/NOINHERIT[\s\S]*member of app_user and app_auth/);
  });

  it('flags a superuser login', async () => {
    const owner = inject('ownerDatabaseUrl') ?? '';
    const lines = await checkDatabase(parseEnv(envOf({ DATABASE_URL: owner })));
    expect(lines.some((l) => l.status === 'fail' && /superuser/.test(l.message))).toBe(true);
  });
});
if (!appUrl) console.log('[tests] doctor role checks on real PostgreSQL skipped: TEST_DATABASE_URL is not set');
