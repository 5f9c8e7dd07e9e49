import { randomBytes, randomUUID } from 'node:crypto';
import { InngestTestEngine } from '@inngest/test';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as listRoute from '@/app/api/v1/integrations/route';
import { reencryptIntegrationTokensOnSchedule } from '@/inngest/functions/integrations/reencrypt-tokens';
import { parseEnv, resetEnvForTests } from '@/lib/env';
import { withAccessToken, type ConnectionRef } from '@/lib/integrations/connections';
import { decryptToken, encryptToken, integrationsKeyWarning, keyIdOf, keyringFrom, TokenDecryptionError, tokenAad } from '@/lib/integrations/crypto';
import { tenantsWithStaleTokens } from '@/lib/integrations/rotation';
import { startOAuthFake, type OAuthFake } from '@/tests/fakes/oauth-fake';
import { ownerRows } from '../helpers/db';
import { call, provision, signIn } from '../helpers/http';
import { connectThroughFake, registerFakeProvider } from './fake-provider';

// Tokens at rest: AES-256-GCM bound to their row, a key id in every ciphertext, the previous key accepted for
// decryption, and the re-encryption job moving everything to the current key.

const K1 = randomBytes(32).toString('base64');
const K2 = randomBytes(32).toString('base64');

function useKeys(current: string | undefined, previous: string | undefined) {
  if (current) process.env.INTEGRATIONS_ENCRYPTION_KEY = current;
  else delete process.env.INTEGRATIONS_ENCRYPTION_KEY;
  if (previous) process.env.INTEGRATIONS_ENCRYPTION_KEY_PREVIOUS = previous;
  else delete process.env.INTEGRATIONS_ENCRYPTION_KEY_PREVIOUS;
  resetEnvForTests();
}

let fake: OAuthFake;
let ref: ConnectionRef;

async function keyIdsOfRow(): Promise<{ token_key_id: string; access: string; refresh: string }> {
  const [row] = await ownerRows<{ token_key_id: string; access: string; refresh: string }>(
    sql`select token_key_id, access_token_ciphertext as access, refresh_token_ciphertext as refresh from integration_connections where id = ${ref.connectionId}`,
  );
  if (!row) throw new Error('connection row missing');
  return row;
}

const canUseToken = () => withAccessToken(ref, async (token) => token.startsWith('at_'));

// Only this file's organization: on a shared database other files' rows must not be rewritten under keys their
// processes do not have.
async function runRotationJob() {
  const engine = new InngestTestEngine({ function: reencryptIntegrationTokensOnSchedule, events: [{ name: 'inngest/scheduled.timer', data: { cron: 'TZ=UTC 40 * * * *' } }] });
  const { result } = await engine.execute({ steps: [{ id: 'list-tenants', handler: () => [ref.tenantId] }] });
  return result;
}

beforeAll(async () => {
  useKeys(undefined, undefined);
  fake = await startOAuthFake();
  registerFakeProvider(fake);
  const t = await provision();
  const as = { cookie: (await signIn(t.ownerEmail)).cookie, tenantId: t.tenantId };
  expect((await connectThroughFake(as)).connected).toBe('asana');
  const list = await call(listRoute.GET, { path: '/api/v1/integrations', as });
  ref = { tenantId: t.tenantId, connectionId: list.body.connections[0].id };
});

afterEach(() => useKeys(undefined, undefined));

afterAll(async () => {
  await fake.close();
});

describe('token encryption', () => {
  it('binds a ciphertext to its row and field: moved elsewhere it does not decrypt', () => {
    const tenant = randomUUID();
    const row = randomUUID();
    const sealed = encryptToken('xoxb-secret', tokenAad(tenant, row, 'access'));
    expect(sealed).not.toContain('xoxb-secret');
    expect(decryptToken(sealed, tokenAad(tenant, row, 'access'))).toBe('xoxb-secret');
    expect(() => decryptToken(sealed, tokenAad(tenant, randomUUID(), 'access'))).toThrow(TokenDecryptionError);
    expect(() => decryptToken(sealed, tokenAad(tenant, row, 'refresh'))).toThrow(TokenDecryptionError);
    const tampered = `${sealed.slice(0, -4)}AAAA`;
    expect(() => decryptToken(tampered, tokenAad(tenant, row, 'access'))).toThrow(TokenDecryptionError);
  });

  it('without a configured key uses one derived from the auth secret, and says so in production only', () => {
    const derived = keyringFrom(parseEnv({ NODE_ENV: 'test', BETTER_AUTH_SECRET: 'x'.repeat(40) })).current.id;
    expect(derived).toMatch(/^derived-/);
    expect(keyringFrom(parseEnv({ NODE_ENV: 'test', INTEGRATIONS_ENCRYPTION_KEY: K1 })).current.id).toMatch(/^k-/);
    expect(integrationsKeyWarning(parseEnv({ NODE_ENV: 'production' }))).toMatch(/INTEGRATIONS_ENCRYPTION_KEY is not set/);
    expect(integrationsKeyWarning(parseEnv({ NODE_ENV: 'test', VERCEL: '1' }))).toMatch(/BETTER_AUTH_SECRET/);
    expect(integrationsKeyWarning(parseEnv({ NODE_ENV: 'production', INTEGRATIONS_ENCRYPTION_KEY: K1 }))).toBeNull();
    expect(integrationsKeyWarning(parseEnv({ NODE_ENV: 'development' }))).toBeNull();
    expect(() => parseEnv({ NODE_ENV: 'test', INTEGRATIONS_ENCRYPTION_KEY: 'too-short' })).toThrow(/32 random bytes/);
  });
});

describe('key rotation', () => {
  it('moves tokens from the derived key to a configured one, then from K1 to K2, never losing access', async () => {
    const start = await keyIdsOfRow();
    expect(start.token_key_id).toMatch(/^derived-/);
    expect(keyIdOf(start.access)).toBe(start.token_key_id);

    // A key is configured: the derived key still opens the old tokens until the job rewrites them.
    useKeys(K1, undefined);
    expect(await canUseToken()).toBe(true);
    expect(await tenantsWithStaleTokens()).toContain(ref.tenantId);
    expect(await runRotationJob()).toEqual({ tenants: 1, connections: 1 });
    const underK1 = await keyIdsOfRow();
    expect(underK1.token_key_id).toMatch(/^k-/);
    expect(keyIdOf(underK1.access)).toBe(underK1.token_key_id);
    expect(keyIdOf(underK1.refresh)).toBe(underK1.token_key_id);
    expect(await tenantsWithStaleTokens()).not.toContain(ref.tenantId);

    // Without the previous key, K1's tokens cannot be read: the message names the missing key.
    useKeys(K2, undefined);
    await expect(canUseToken()).rejects.toThrow(/INTEGRATIONS_ENCRYPTION_KEY_PREVIOUS/);

    // Rotation: K1 moves to PREVIOUS, K2 is current.
    useKeys(K2, K1);
    expect(await canUseToken()).toBe(true);
    expect(await runRotationJob()).toEqual({ tenants: 1, connections: 1 });
    const underK2 = await keyIdsOfRow();
    expect(underK2.token_key_id).not.toBe(underK1.token_key_id);
    expect(underK2.access).not.toBe(underK1.access);

    // Once rewritten, the previous key can go.
    useKeys(K2, undefined);
    expect(await canUseToken()).toBe(true);
    expect(await runRotationJob()).toEqual({ tenants: 1, connections: 0 });
  });
});
