import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import { DriveApiError, DriveClient } from '@/lib/integrations/google-drive/client';
import { ProviderRetryLater, ProviderUnauthorized } from '@/lib/integrations/http';
import { startDriveFake, type DriveFake } from '@/tests/fakes/google-drive-fake';

// How the SDK's failures against Google's wire format become ours: 429/5xx → ProviderRetryLater with Google's
// Retry-After, 401 → ProviderUnauthorized (withAccessToken refreshes), 404 → DriveApiError (the file is gone).

let fake: DriveFake;

beforeAll(async () => {
  fake = await startDriveFake();
  process.env.GOOGLE_API_BASE = fake.url;
  resetEnvForTests();
});

afterAll(async () => {
  await fake.close();
});

describe('Drive client errors', () => {
  it('401 for a token Google does not know', async () => {
    await expect(new DriveClient('ya29.unknown').getStartPageToken()).rejects.toBeInstanceOf(ProviderUnauthorized);
  });

  it('429 carries the Retry-After Google sent', async () => {
    const token = await tokenFor(fake);
    fake.rateLimitNextApiCalls(1, 7);
    const err = await new DriveClient(token).getStartPageToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderRetryLater);
    expect((err as ProviderRetryLater).seconds).toBe(7);
  });

  it('404 in Google’s error shape for a file that is not there', async () => {
    const token = await tokenFor(fake);
    const err = await new DriveClient(token).download('doesNotExist').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriveApiError);
    expect((err as DriveApiError).status).toBe(404);
    expect((err as DriveApiError).message).toContain('File not found: doesNotExist.');
  });
});

// A real token from the fake's OAuth endpoints (authorization code without PKCE).
async function tokenFor(f: DriveFake): Promise<string> {
  const redirect = 'https://reflex.example.test/cb';
  const auth = await fetch(`${f.url}/o/oauth2/v2/auth?redirect_uri=${encodeURIComponent(redirect)}&state=s`, { redirect: 'manual' });
  const code = new URL(auth.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const res = await fetch(`${f.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: f.clientId, client_secret: f.clientSecret }),
  });
  const json = (await res.json()) as { access_token: string };
  return json.access_token;
}
