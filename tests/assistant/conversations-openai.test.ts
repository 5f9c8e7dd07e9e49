import { afterAll, beforeAll, expect, it } from 'vitest';
import * as askRoute from '@/app/api/v1/assistant/ask/route';
import * as conversationsRoute from '@/app/api/v1/assistant/conversations/route';
import * as settingsRoute from '@/app/api/v1/settings/ai/route';
import { configureDocumentAi } from '@/lib/documents/ai';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai-fake';
import { call, provision, signIn, type Identity } from '../helpers/http';
import { MEETING } from '../search/corpus';
import { seedDocument } from '../search/seed';
import { parseAsk } from './ndjson';

// A follow-up asked of a model: the earlier turns travel with the question, so the model can tell what "it" is.

let fake: OpenAiFake;
let owner: Identity;

beforeAll(async () => {
  fake = await startOpenAiFake({ apiKey: 'sk-test' });
  configureDocumentAi({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseURL }, registry: { openaiMaxRetries: 0 } });
  const a = await provision();
  owner = { cookie: (await signIn(a.ownerEmail)).cookie, tenantId: a.tenantId };
  await seedDocument(a.tenantId, MEETING);
  // The seeded vectors are offline ones: keep embeddings on that provider, answers on the model.
  const policy = await call(settingsRoute.PUT, {
    method: 'PUT',
    path: '/api/v1/settings/ai',
    body: { privacyMode: false, policies: { embed: { primary: 'offline' } }, rules: [] },
    as: { apiKey: a.apiKey },
  });
  expect(policy.status, JSON.stringify(policy.body)).toBe(200);
});

afterAll(async () => {
  configureDocumentAi({});
  await fake.close();
});

it('sends the earlier questions and answers of the conversation with a follow-up', async () => {
  const created = await call(conversationsRoute.POST, { method: 'POST', path: '/api/v1/assistant/conversations', body: {}, as: owner });
  const conversationId = created.body.id;
  const ask = (question: string) => call(askRoute.POST, { method: 'POST', path: '/api/v1/assistant/ask', body: { question, conversationId }, as: owner });

  fake.enqueue('chat', { kind: 'ok', content: { answer: 'Lee drafts the release notes [S1].', citations: [{ id: 'S1', snippet: 'Lee will draft the release notes' }], confidence: 0.9 } });
  const first = parseAsk((await ask('Who will draft the release notes?')).body);
  expect(first.done.provider).toBe('openai');
  const before = fake.requestsTo('chat').length;
  expect(JSON.stringify(fake.requestsTo('chat').at(-1)?.json)).not.toContain('Earlier in this conversation');

  fake.enqueue('chat', { kind: 'ok', content: { answer: 'By Friday [S1].', citations: [{ id: 'S1', snippet: 'by Friday' }], confidence: 0.9 } });
  const second = parseAsk((await ask('And by when?')).body);
  expect(second.answer).toBe('By Friday [S1].');
  const [request] = fake.requestsTo('chat').slice(before);
  const prompt = JSON.stringify(request?.json);
  expect(prompt).toContain('Earlier in this conversation');
  expect(prompt).toContain('Q: Who will draft the release notes?');
  expect(prompt).toContain('A: Lee drafts the release notes [S1].');
  expect(prompt).toContain('Question: And by when?');
});
