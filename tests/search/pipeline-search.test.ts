import '../documents/blob-dir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as askRoute from '@/app/api/v1/assistant/ask/route';
import * as searchRoute from '@/app/api/v1/search/route';
import * as settingsRoute from '@/app/api/v1/settings/ai/route';
import { startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { parseAsk } from '../assistant/ndjson';
import { settle, uploadText } from '../documents/helpers';
import { call, provision } from '../helpers/http';

// Search, ask and settings against documents that went through the real upload route and pipeline (local
// runner): the vectors, their model label and the verification the pipeline stores are what these routes read.

let t: Awaited<ReturnType<typeof provision>>;
let as: { apiKey: string };
const ids: Record<string, string> = {};

beforeAll(async () => {
  await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50 });
  t = await provision();
  as = { apiKey: t.apiKey };
  const put = await call(settingsRoute.PUT, {
    method: 'PUT',
    path: '/api/v1/settings/ai',
    body: { rules: [{ kind: 'forbidden-pattern', name: 'Plain-text password', pattern: 'password\\s*[:=]\\s*\\S+' }] },
    as,
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const lease = await uploadText(as, 'Office lease. The lease term is five years. The deposit equals three months of rent and is returned within sixty days.', 'Office lease');
  const notes = await uploadText(as, 'Security review notes. The staging password: Winter2024! must be rotated by Thursday. Laptop encryption is at 92%.', 'Security review');
  ids.lease = lease.body.id;
  ids.notes = notes.body.id;
  for (const id of Object.values(ids)) expect((await settle(as, id)).status).toBe('processed');
}, 240_000);

afterAll(async () => {
  await stopLocalRunner();
});

describe('search and ask over pipeline-processed documents', () => {
  it('finds the pipeline-embedded chunk by both rankings', async () => {
    const res = await call(searchRoute.GET, { path: '/api/v1/search?q=when%20is%20the%20deposit%20returned', as });
    expect(res.status).toBe(200);
    expect(res.body.mode).toBe('hybrid');
    const [top] = res.body.items;
    expect(top.documentId).toBe(ids.lease);
    expect(top.vectorRank).not.toBeNull();
    expect(top.textRank).not.toBeNull();
  });

  it('answers with a citation of the processed document', async () => {
    const out = parseAsk((await call(askRoute.POST, { method: 'POST', path: '/api/v1/assistant/ask', body: { question: 'Within how many days is the deposit returned?' }, as })).body);
    expect(out.answer).toContain('sixty days');
    expect(out.done.citations[0].documentId).toBe(ids.lease);
  });

  it('verified each document against the rules saved through the settings API', async () => {
    const notes = await settle(as, ids.notes!);
    expect(notes.verification.passed).toBe(false);
    expect(notes.verification.results[0].detail).toMatch(/Plain-text password present/);
    expect((await settle(as, ids.lease!)).verification.passed).toBe(true);
  });
});
