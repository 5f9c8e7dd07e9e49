import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as askRoute from '@/app/api/v1/assistant/ask/route';
import * as searchRoute from '@/app/api/v1/search/route';
import * as settingsRoute from '@/app/api/v1/settings/ai/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { configureDocumentAi } from '@/lib/documents/ai';
import { parseAsk } from '../assistant/ndjson';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai-fake';
import { call, provision } from '../helpers/http';
import { CONTRACT } from './corpus';
import { seedDocument } from './seed';

// A slow embedding provider must hold no database connection: the query is embedded before the request's tenant
// transaction opens. On PGlite (one connection) another tenant's request would otherwise wait for the provider.

type Tenant = Awaited<ReturnType<typeof provision>>;
let fake: OpenAiFake;
let slow: Tenant;
let other: Tenant;

beforeAll(async () => {
  fake = await startOpenAiFake({ apiKey: 'sk-test' });
  configureDocumentAi({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseURL }, registry: { openaiMaxRetries: 0 } });
  [slow, other] = [await provision(), await provision()];
  await seedDocument(slow.tenantId, CONTRACT);
  const res = await call(settingsRoute.PUT, {
    method: 'PUT',
    path: '/api/v1/settings/ai',
    body: { privacyMode: false, policies: { embed: { primary: 'openai' }, answer: { primary: 'offline' } }, rules: [] },
    as: { apiKey: slow.apiKey },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
});

afterAll(async () => {
  configureDocumentAi({});
  await fake.close();
});

async function whileEmbedding(request: () => Promise<{ status: number; body: unknown }>) {
  let release: (() => void) | undefined;
  const until = new Promise<void>((resolve) => {
    release = resolve;
  });
  fake.enqueue('embeddings', { kind: 'held', until });
  const before = fake.requestsTo('embeddings').length;
  let finished = false;
  const pending = request().then((res) => {
    finished = true;
    return res;
  });
  while (fake.requestsTo('embeddings').length === before) await new Promise((resolve) => setTimeout(resolve, 10));
  // The provider is answering slowly right now: another organization is served meanwhile.
  const list = await call(tasksRoute.GET, { path: '/api/v1/tasks', as: { apiKey: other.apiKey } });
  expect(list.status).toBe(200);
  expect(finished).toBe(false);
  release?.();
  return pending;
}

describe('query embeddings run before the tenant transaction', () => {
  it('search', async () => {
    const res = await whileEmbedding(() => call(searchRoute.GET, { path: '/api/v1/search?q=termination%20notice', as: { apiKey: slow.apiKey } }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'hybrid', embeddingModel: expect.stringMatching(/^openai\//) });
  });

  it('ask', async () => {
    const res = await whileEmbedding(() =>
      call(askRoute.POST, { method: 'POST', path: '/api/v1/assistant/ask', body: { question: 'What termination notice applies?' }, as: { apiKey: slow.apiKey } }),
    );
    expect(res.status).toBe(200);
    expect(parseAsk(res.body).sources.length).toBeGreaterThan(0);
  });
});
