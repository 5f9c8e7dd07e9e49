import './blob-dir';
import { InngestTestEngine } from '@inngest/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processDocument } from '@/inngest/functions/documents/process-document';
import { createDocument } from '@/lib/documents/ingest';
import { withTenant } from '@/lib/db/tenant';
import type { Access } from '@/lib/tenancy/access';
import { NO_POLICY } from '@/lib/tenancy/security-policy';
import { closeOwnerDb } from '../helpers/db';
import { provision } from '../helpers/http';
import { MEETING_NOTES } from '../fixtures/documents/files';
import { getDocument } from './helpers';

// Unit tests of the function's control flow with @inngest/test (a new engine per test). The steps' own logic
// runs against the test database where not mocked; the local runner is never involved.

let t: Awaited<ReturnType<typeof provision>>;

beforeAll(async () => {
  t = await provision();
});

afterAll(closeOwnerDb);

function uploaded(documentId: string, generation = 1) {
  return { name: 'document/uploaded', data: { tenantId: t.tenantId, documentId, generation } };
}

async function queuedDocument(text: string): Promise<string> {
  const access: Access = { tenantId: t.tenantId, plan: 'standard', actor: { type: 'user', userId: t.owner.userId }, permissions: new Set(), roleKey: 'owner', policy: NO_POLICY, billing: 'active' };
  const doc = await withTenant(t.tenantId, (tx) => createDocument(tx, access, { source: 'json', body: { text } }, () => {}));
  return doc.id;
}

const calledSteps = (run: { mock: { calls: unknown[][] } }) => run.mock.calls.map((c) => c[0]);

// A mocked step that completed with this result.
const done = (result: object) => () => ({ state: 'done', ...result });

describe('process-document', () => {
  it('runs every step in order against the database and publishes document/processed', async () => {
    const id = await queuedDocument(MEETING_NOTES);
    const engine = new InngestTestEngine({ function: processDocument, events: [uploaded(id)] });
    const { result, ctx } = await engine.execute({ steps: [{ id: 'publish', handler: () => ({ ids: ['evt'] }) }] });
    expect(result).toMatchObject({ documentId: id, processed: true });
    expect(calledSteps(ctx.step.run)).toEqual(['claim', 'extract', 'chunk', 'embed', 'classify', 'verify', 'summarize', 'finalize']);
    expect(ctx.step.sendEvent).toHaveBeenCalledWith(
      'publish',
      expect.objectContaining({
        name: 'document/processed',
        data: expect.objectContaining({ tenantId: t.tenantId, documentId: id, actionItems: expect.arrayContaining([expect.objectContaining({ title: expect.any(String) })]) }),
      }),
    );
    const doc = await getDocument({ apiKey: t.apiKey }, id);
    expect(doc.body.status).toBe('processed');
  });

  it('stops after claim when the document was cancelled or taken by another run', async () => {
    const engine = new InngestTestEngine({ function: processDocument, events: [uploaded('00000000-0000-4000-8000-000000000001')] });
    const { result, ctx } = await engine.execute({
      steps: [{ id: 'claim', handler: () => ({ claimed: false, reason: 'cancelled' }) }],
    });
    expect(result).toEqual({ documentId: '00000000-0000-4000-8000-000000000001', stopped: 'cancelled' });
    expect(calledSteps(ctx.step.run)).toEqual(['claim']);
  });

  it('stops cleanly (no failure) when audio waits for a transcription provider', async () => {
    const engine = new InngestTestEngine({ function: processDocument, events: [uploaded('00000000-0000-4000-8000-000000000002')] });
    const { result, ctx } = await engine.execute({
      steps: [
        { id: 'claim', handler: () => ({ claimed: true }) },
        { id: 'extract', handler: () => ({ state: 'stopped', reason: 'needs_transcription_provider' }) },
      ],
    });
    expect(result).toMatchObject({ stopped: 'needs_transcription_provider' });
    expect(calledSteps(ctx.step.run)).toEqual(['claim', 'extract']);
  });

  it('repeats the embed step until no chunk is left, then carries on', async () => {
    const engine = new InngestTestEngine({ function: processDocument, events: [uploaded('00000000-0000-4000-8000-000000000003')] });
    const { result, ctx } = await engine.execute({
      steps: [
        { id: 'claim', handler: () => ({ claimed: true }) },
        { id: 'extract', handler: done({ chars: 9000 }) },
        { id: 'chunk', handler: done({ chunks: 700 }) },
        { id: 'embed', handler: done({ embedded: 512, remaining: 188 }) },
        { id: 'embed:1', handler: done({ embedded: 188, remaining: 0 }) },
        { id: 'classify', handler: done({ category: 'report', tags: 2 }) },
        { id: 'verify', handler: done({ passed: true }) },
        { id: 'summarize', handler: done({ actionItems: 1 }) },
        { id: 'finalize', handler: done({ actionItems: [{ title: 'Ship it' }] }) },
        { id: 'publish', handler: () => ({ ids: ['evt'] }) },
      ],
    });
    expect(result).toEqual({ documentId: '00000000-0000-4000-8000-000000000003', processed: true, actionItems: 1 });
    expect(calledSteps(ctx.step.run)).toEqual(['claim', 'extract', 'chunk', 'embed', 'embed', 'classify', 'verify', 'summarize', 'finalize']);
  });

  it('ignores a superseded generation: the claim refuses it and nothing runs', async () => {
    const id = await queuedDocument('A document queued once. It has generation one.');
    const engine = new InngestTestEngine({ function: processDocument, events: [uploaded(id, 7)] });
    const { result, ctx } = await engine.execute();
    expect(result).toEqual({ documentId: id, stopped: 'superseded' });
    expect(calledSteps(ctx.step.run)).toEqual(['claim']);
  });
});
