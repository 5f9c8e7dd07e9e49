import './blob-dir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns, startLocalRunner, stopLocalRunner, type RunView } from '@/inngest/local';
import { configureDocumentAi } from '@/lib/documents/ai';
import { saveAiSettings } from '@/lib/documents/ai-settings';
import { withTenant } from '@/lib/db/tenant';
import { resetEnvForTests } from '@/lib/env';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai-fake';
import { longText } from '../fixtures/documents/files';
import { closeOwnerDb } from '../helpers/db';
import { provision } from '../helpers/http';
import { isolateRunnerDatabase } from '../runner/harness';
import { finishRuns, getDocument, uploadText } from './helpers';

// The real document pipeline on the local runner: a standard tenant's backlog waits behind the global cap, and an
// enterprise document sent after it is processed before that backlog.

const CONTRACT = { category: 'contract', tags: ['terms'], confidence: 0.9 };

let release: () => Promise<void>;
let openai: OpenAiFake;
let standard: Awaited<ReturnType<typeof provision>>;
let enterprise: Awaited<ReturnType<typeof provision>>;

beforeAll(async () => {
  release = await isolateRunnerDatabase();
  // One document at a time across all tenants; read when the runner loads the app's functions.
  process.env.PIPELINE_GLOBAL_CONCURRENCY = '1';
  resetEnvForTests();
  openai = await startOpenAiFake();
  configureDocumentAi({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseURL }, registry: { openaiMaxRetries: 0 } });
  await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50 });
  standard = await provision(undefined, undefined, 'standard');
  enterprise = await provision(undefined, undefined, 'enterprise');
  // Only the standard tenant classifies through the fake, so a test can hold its first document mid-pipeline.
  await withTenant(standard.tenantId, (tx) =>
    saveAiSettings(tx, standard.tenantId, {
      policies: {
        classify: { primary: 'openai', fallback: [] },
        embed: { primary: 'offline', fallback: [] },
        verify: { primary: 'offline', fallback: [] },
        summarize: { primary: 'offline', fallback: [] },
        'extract-actions': { primary: 'offline', fallback: [] },
      },
    }),
  );
  openai.setDefault('chat', { kind: 'ok', content: CONTRACT });
});

afterAll(async () => {
  await stopLocalRunner();
  await openai.close();
  configureDocumentAi({ env: {} });
  delete process.env.PIPELINE_GLOBAL_CONCURRENCY;
  resetEnvForTests();
  await closeOwnerDb();
  await release();
});

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; !(await check()); i++) {
    if (i > 6000) throw new Error('condition never became true');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function runOf(documentId: string): Promise<RunView> {
  const [run, ...rest] = await listRuns({ functionId: 'process-document', eventData: { documentId } });
  expect(rest).toHaveLength(0);
  if (!run) throw new Error(`no run for ${documentId}`);
  return run;
}

describe('document pipeline scheduling by plan', () => {
  it('processes an enterprise document sent after a standard backlog before that backlog', async () => {
    let unhold = () => {};
    openai.enqueue('chat', { kind: 'held', content: CONTRACT, until: new Promise<void>((resolve) => (unhold = resolve)) });
    const upload = async (who: typeof standard, title: string) => {
      const res = await uploadText({ apiKey: who.apiKey }, `${title}\n\n${longText(2)}`, title);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const id: string = res.body.id;
      return id;
    };

    // The first standard document takes the one slot and stays in its classify call.
    const first = await upload(standard, 'Standard 1');
    await until(() => openai.requestsTo('chat').length === 1);
    const backlog = [await upload(standard, 'Standard 2'), await upload(standard, 'Standard 3'), await upload(standard, 'Standard 4')];
    const urgent = await upload(enterprise, 'Enterprise');
    await until(async () => (await listRuns({ functionId: 'process-document', status: ['queued'] })).length === 4);
    unhold();
    for (const id of [first, ...backlog, urgent]) await finishRuns(id);

    for (const [who, id] of [...[first, ...backlog].map((id) => [standard, id] as const), [enterprise, urgent] as const]) {
      expect((await getDocument({ apiKey: who.apiKey }, id)).body.status).toBe('processed');
    }
    const urgentRun = await runOf(urgent);
    const backlogRuns = await Promise.all(backlog.map(runOf));
    for (const run of backlogRuns) expect(urgentRun.endedAt!.getTime()).toBeLessThanOrEqual(run.startedAt!.getTime());

    // The plan travelled in the event and became the run's priority and concurrency keys.
    expect(urgentRun.event.data).toMatchObject({ plan: 'enterprise', lane: expect.any(Number) });
    expect(urgentRun.priority).toBe(600);
    expect(backlogRuns.map((r) => [r.event.data.plan, r.event.data.lane, r.priority])).toEqual(backlog.map(() => ['standard', 0, 0]));
    expect(urgentRun.concurrency).toEqual([
      { key: expect.stringContaining(`${enterprise.tenantId}:${String(urgentRun.event.data.lane)}`), limit: 2 },
      { key: expect.any(String), limit: 1 },
    ]);
  });
});
