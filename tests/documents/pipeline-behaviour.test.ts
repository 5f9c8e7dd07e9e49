import './blob-dir';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as cancelRoute from '@/app/api/v1/documents/[id]/cancel/route';
import * as retryRoute from '@/app/api/v1/documents/[id]/retry/route';
import * as documentRoute from '@/app/api/v1/documents/[id]/route';
import { drainLocalRunner, listRuns, startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { configureDocumentAi } from '@/lib/documents/ai';
import { saveAiSettings, type AiSettingsInput } from '@/lib/documents/ai-settings';
import { createDocument } from '@/lib/documents/ingest';
import { requeueStuckDocuments } from '@/lib/documents/requeue';
import { withTenant } from '@/lib/db/tenant';
import type { Access } from '@/lib/tenancy/access';
import { NO_POLICY } from '@/lib/tenancy/security-policy';
import { startAssemblyAiFake, type AssemblyAiFake } from '../fakes/assemblyai-fake';
import { startOpenAiFake, type OpenAiBehaviour, type OpenAiFake } from '../fakes/openai-fake';
import { closeOwnerDb, ownerRows } from '../helpers/db';
import { call, provision } from '../helpers/http';
import { MEETING_NOTES, longText, makeMp3, makeWav } from '../fixtures/documents/files';
import { finishRuns, getDocument, settle, uploadFile, uploadText } from './helpers';

let t: Awaited<ReturnType<typeof provision>>;
let as: { apiKey: string };
let openai: OpenAiFake;
let assembly: AssemblyAiFake;

type AiEnvKey = 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'ASSEMBLYAI_API_KEY' | 'ASSEMBLYAI_BASE_URL';

// Providers come from this env only (never the process env), with fast retries and polling for tests.
function useProviders(env: Partial<Record<AiEnvKey, string>>) {
  configureDocumentAi({ env, registry: { openaiMaxRetries: 0, assemblyaiPollingIntervalMs: 5 } });
}

async function setAiSettings(settings: AiSettingsInput) {
  await withTenant(t.tenantId, (tx) => saveAiSettings(tx, t.tenantId, settings));
}

// Only classify goes to the OpenAI fake; everything else stays offline, so tests control exactly one call.
const CLASSIFY_VIA_OPENAI: AiSettingsInput = {
  policies: {
    classify: { primary: 'openai', fallback: [] },
    embed: { primary: 'offline', fallback: [] },
    verify: { primary: 'offline', fallback: [] },
    summarize: { primary: 'offline', fallback: [] },
    'extract-actions': { primary: 'offline', fallback: [] },
  },
};

const CONTRACT_ANSWER: OpenAiBehaviour = { kind: 'ok', content: { category: 'contract', tags: ['terms', 'notice'], confidence: 0.92 } };

function retry(id: string) {
  return call(retryRoute.POST, { method: 'POST', path: `/api/v1/documents/${id}/retry`, params: { id }, as });
}

function cancel(id: string) {
  return call(cancelRoute.POST, { method: 'POST', path: `/api/v1/documents/${id}/cancel`, params: { id }, as });
}

async function stepRows(id: string) {
  return ownerRows<{ step: string; status: string; attempts: number; finished_at: Date | null; provider: string | null }>(
    sql`select step, status, attempts, finished_at, provider from document_steps where document_id = ${id} order by started_at, step`,
  );
}

async function usageCount(id: string, operation: string) {
  const [row] = await ownerRows<{ n: number }>(
    sql`select count(*)::int as n from ai_usage where document_id = ${id} and operation = ${operation}`,
  );
  return row?.n ?? 0;
}

async function until(check: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 2000 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
}

beforeAll(async () => {
  openai = await startOpenAiFake();
  assembly = await startAssemblyAiFake();
  await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50 });
  t = await provision();
  as = { apiKey: t.apiKey };
});

afterEach(async () => {
  useProviders({});
  await setAiSettings({});
});

afterAll(async () => {
  await stopLocalRunner();
  await openai.close();
  await assembly.close();
  configureDocumentAi({ env: {} });
  await closeOwnerDb();
});

describe('retry resumes from the failed step', () => {
  it('retries a failing provider call, then succeeds within the same run', async () => {
    useProviders({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseURL });
    await setAiSettings(CLASSIFY_VIA_OPENAI);
    openai.enqueue('chat', { kind: 'server-error' }, CONTRACT_ANSWER);
    const res = await uploadText(as, longText(2), 'Flaky once');
    const doc = await settle(as, res.body.id);
    expect(doc.status).toBe('processed');
    expect(doc.category).toBe('contract');
    const classify = doc.steps.find((s: { step: string }) => s.step === 'classify');
    expect(classify).toMatchObject({ status: 'done', attempts: 2, provider: 'openai' });
    expect(classify.costMicros).toBeGreaterThan(0);
    const outcomes = await ownerRows<{ outcome: string }>(
      sql`select outcome from ai_usage where document_id = ${res.body.id} and operation = 'classify' order by created_at`,
    );
    expect(outcomes.map((o) => o.outcome)).toEqual(['error', 'ok']);
  });

  it('marks the document failed after the last attempt, and a retry redoes only the failed step onwards', async () => {
    useProviders({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseURL });
    await setAiSettings(CLASSIFY_VIA_OPENAI);
    openai.setDefault('chat', { kind: 'server-error' });
    const res = await uploadText(as, longText(4), 'Provider down');
    const id: string = res.body.id;
    const failed = await settle(as, id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^classify: Every provider failed for classify/);
    const before = await stepRows(id);
    expect(before.map((s) => `${s.step}:${s.status}:${s.attempts}`)).toEqual([
      'extract:done:1',
      'chunk:done:1',
      'embed:done:1',
      'classify:failed:4',
    ]);
    const chunkIds = await ownerRows<{ id: string }>(sql`select id from document_chunks where document_id = ${id} order by ord`);
    const embedCalls = await usageCount(id, 'embed');

    openai.setDefault('chat', CONTRACT_ANSWER);
    const again = await retry(id);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ id, status: 'queued', error: null });
    const done = await settle(as, id);
    expect(done.status).toBe('processed');
    expect(done.category).toBe('contract');

    const after = await stepRows(id);
    for (const name of ['extract', 'chunk', 'embed']) {
      expect(after.find((s) => s.step === name)).toEqual(before.find((s) => s.step === name));
    }
    expect(after.find((s) => s.step === 'classify')).toMatchObject({ status: 'done', attempts: 5, provider: 'openai' });
    expect(after.map((s) => s.step)).toEqual(['extract', 'chunk', 'embed', 'classify', 'verify', 'summarize']);
    expect(await ownerRows<{ id: string }>(sql`select id from document_chunks where document_id = ${id} order by ord`)).toEqual(chunkIds);
    expect(await usageCount(id, 'embed')).toBe(embedCalls);
    expect(await usageCount(id, 'classify')).toBe(5);
    openai.setDefault('chat', { kind: 'ok' });
  });

  it('refuses to retry a processed document', async () => {
    const res = await uploadText(as, 'A short note that processes fine.', 'Fine');
    await settle(as, res.body.id);
    const again = await retry(res.body.id);
    expect(again.status).toBe(409);
    expect(again.body.error.details).toEqual({ status: 'processed' });
  });
});

describe('cancel', () => {
  it('stops the pipeline at the next step boundary and discards the running step; retry resumes', async () => {
    useProviders({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseURL });
    await setAiSettings({
      policies: { ...CLASSIFY_VIA_OPENAI.policies, classify: { primary: 'openai', fallback: ['offline'], timeoutMs: 300 } },
    });
    const chatCalls = openai.requestsTo('chat').length;
    openai.enqueue('chat', { kind: 'hang' });
    const res = await uploadText(as, longText(3).replace(/clause/g, 'section'), 'To be cancelled');
    const id: string = res.body.id;
    // The classify call is now hanging inside the run.
    await until(() => openai.requestsTo('chat').length > chatCalls);
    const cancelled = await cancel(id);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');

    const doc = await settle(as, id);
    expect(doc.status).toBe('cancelled');
    expect(doc.category).toBeNull();
    expect(doc.steps.map((s: { step: string; status: string }) => `${s.step}:${s.status}`)).toEqual([
      'extract:done',
      'chunk:done',
      'embed:done',
      'classify:failed',
    ]);
    expect(doc.steps[3].error).toMatch(/Cancelled/);
    expect((await cancel(id)).status).toBe(200);

    openai.setDefault('chat', CONTRACT_ANSWER);
    expect((await retry(id)).status).toBe(202);
    const resumed = await settle(as, id);
    expect(resumed.status).toBe('processed');
    expect(resumed.steps.find((s: { step: string }) => s.step === 'chunk').attempts).toBe(1);
    expect((await cancel(id)).status).toBe(409);
    openai.setDefault('chat', { kind: 'ok' });
  });
});

describe('delete while processing', () => {
  it('stops the run at the step boundary and keeps the usage of the calls already made', async () => {
    useProviders({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseURL });
    await setAiSettings({
      policies: { ...CLASSIFY_VIA_OPENAI.policies, classify: { primary: 'openai', fallback: ['offline'], timeoutMs: 300 } },
    });
    const chatCalls = openai.requestsTo('chat').length;
    openai.enqueue('chat', { kind: 'hang' });
    const res = await uploadText(as, longText(2).replace(/clause/g, 'article'), 'To be deleted');
    const id: string = res.body.id;
    await until(() => openai.requestsTo('chat').length > chatCalls);
    const del = await call(documentRoute.DELETE, { method: 'DELETE', path: `/api/v1/documents/${id}`, params: { id }, as });
    expect(del.status).toBe(204);
    await finishRuns(id);
    const [run] = await listRuns({ functionId: 'process-document', eventData: { documentId: id } });
    expect(run).toMatchObject({ status: 'completed', output: { documentId: id, stopped: 'deleted' } });
    const usage = await ownerRows<{ operation: string; provider: string; outcome: string; document_id: string | null }>(
      sql`select operation, provider, outcome, document_id from ai_usage
          where tenant_id = ${t.tenantId} and operation = 'classify' and created_at >= ${res.body.createdAt}::timestamptz order by created_at`,
    );
    expect(usage.map((u) => [u.provider, u.document_id])).toEqual([
      ['openai', null],
      ['offline', null],
    ]);
    expect(usage[0]?.outcome).toBe('timeout');
  });
});

describe('audio', () => {
  it('ends in needs_transcription_provider with the offline provider, then completes via AssemblyAI on retry', async () => {
    const res = await uploadFile(as, { bytes: makeWav(4000), name: 'standup.wav', type: 'audio/wav' }, { title: 'Stand-up' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'audio', mime: 'audio/wav' });
    const id: string = res.body.id;
    const waiting = await settle(as, id);
    expect(waiting.status).toBe('needs_transcription_provider');
    expect(waiting.error).toMatch(/ASSEMBLYAI_API_KEY/);
    expect(waiting.steps).toEqual([expect.objectContaining({ step: 'extract', status: 'needs_provider' })]);

    useProviders({ ASSEMBLYAI_API_KEY: assembly.apiKey, ASSEMBLYAI_BASE_URL: assembly.url });
    expect((await retry(id)).status).toBe(202);
    const doc = await settle(as, id);
    expect(doc.status).toBe('processed');
    expect(doc.text).toBeNull();
    expect(doc.transcript).toBe('Welcome to the weekly sync. Alice will send the report by Friday.');
    const extract = doc.steps.find((s: { step: string }) => s.step === 'extract');
    expect(extract).toMatchObject({ status: 'done', provider: 'assemblyai', model: 'best', attempts: 2 });
    expect(extract.costMicros).toBeGreaterThan(0);
    expect(doc.actionItems.length).toBeGreaterThan(0);
    const [usage] = await ownerRows<{ audio_seconds: number; provider: string }>(
      sql`select audio_seconds, provider from ai_usage where document_id = ${id} and operation = 'transcribe' and outcome = 'ok'`,
    );
    expect(usage).toEqual({ audio_seconds: 42, provider: 'assemblyai' });
    expect(assembly.requests.some((r) => r.path === '/v2/upload' && r.body.byteLength === 44 + 8000)).toBe(true);
  });

  it('transcribes at once when AssemblyAI is configured, and fails clearly when AssemblyAI rejects the audio', async () => {
    useProviders({ ASSEMBLYAI_API_KEY: assembly.apiKey, ASSEMBLYAI_BASE_URL: assembly.url });
    assembly.enqueue({ kind: 'ok', text: 'Invoice review. Bob will pay the supplier by Monday.' });
    const ok = await uploadFile(as, { bytes: makeMp3(), name: 'review.mp3', type: 'audio/mpeg' });
    expect(ok.body.mime).toBe('audio/mpeg');
    expect((await settle(as, ok.body.id)).status).toBe('processed');

    assembly.enqueue({ kind: 'transcript-error' });
    const bad = await uploadFile(as, { bytes: makeWav(1234), name: 'noise.wav' });
    const doc = await settle(as, bad.body.id);
    expect(doc.status).toBe('failed');
    expect(doc.error).toMatch(/^extract: .*does not appear to contain audio/);
  });
});

describe('requeueStuckDocuments', () => {
  it('re-sends queued documents whose event was lost, and restarts long-stale processing ones', async () => {
    const lost = await withTenant(t.tenantId, async (tx) => {
      const access: Access = { tenantId: t.tenantId, plan: 'standard', actor: { type: 'user', userId: t.owner.userId }, permissions: new Set(), roleKey: 'owner', policy: NO_POLICY, billing: 'active' };
      // A no-op enqueue stands for a crash between commit and send.
      return createDocument(tx, access, { source: 'json', body: { title: 'Lost event', text: MEETING_NOTES.replace('Weekly', 'Lost') } }, () => {});
    });
    const stale = await uploadText(as, 'Stale processing document. It was interrupted.', 'Stale');
    await settle(as, stale.body.id);
    await ownerRows(sql`update documents set status = 'processing', run_id = 'dead-run', updated_at = now() - interval '2 hours' where id = ${stale.body.id}`);
    const fresh = await uploadText(as, 'Fresh document that is being processed right now.', 'Fresh');
    await settle(as, fresh.body.id);
    await ownerRows(sql`update documents set status = 'processing', run_id = 'live-run', updated_at = now() where id = ${fresh.body.id}`);

    expect((await getDocument(as, lost.id)).body.status).toBe('queued');
    // On a shared test server other files' documents may be queued too: count at least ours.
    const result = await requeueStuckDocuments();
    expect(result.requeued).toBeGreaterThanOrEqual(2);
    expect(result.sent).toBe(result.requeued);
    expect((await settle(as, lost.id)).status).toBe('processed');
    expect((await settle(as, stale.body.id)).status).toBe('processed');
    const [gen] = await ownerRows<{ generation: number }>(sql`select generation from documents where id = ${stale.body.id}`);
    expect(gen?.generation).toBe(2);
    expect((await getDocument(as, fresh.body.id)).body.status).toBe('processing');
    await requeueStuckDocuments();
    const generations = await ownerRows<{ id: string; generation: number; status: string }>(
      sql`select id, generation, status from documents where id in (${lost.id}, ${stale.body.id}, ${fresh.body.id}) order by created_at`,
    );
    expect(generations.map((g) => [g.generation, g.status])).toEqual([
      [1, 'processed'],
      [2, 'processed'],
      [1, 'processing'],
    ]);
    await drainLocalRunner();
  });
});
