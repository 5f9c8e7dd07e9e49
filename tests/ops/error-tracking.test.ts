import '../documents/blob-dir';
import type { ErrorEvent } from '@sentry/nextjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { functions } from '@/inngest';
import { startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { closePipelinePool } from '@/lib/workers/pipeline-pool';
import { registerErrorReporter } from '@/lib/observability/error-reporting';
import { scrubBreadcrumb, scrubEvent } from '@/lib/observability/scrub';
import { errorResponse } from '@/lib/http/respond';
import { closeOwnerDb } from '../helpers/db';
import { provision } from '../helpers/http';
import { isolateRunnerDatabase } from '../runner/harness';
import { settle, uploadFile } from '../documents/helpers';
import { makeDeeplyCorruptPdf } from '../fixtures/documents/files';

// An event as the Node SDK builds it for a failed request, with everything personal it could pick up.
function failedRequestEvent(): ErrorEvent {
  return {
    type: undefined,
    event_id: 'abc',
    message: 'Invite to octavia.lindqvist@example.com failed',
    release: 'deadbeef',
    user: { id: 'u-1', email: 'octavia.lindqvist@example.com', ip_address: '203.0.113.9', username: 'octavia' },
    request: {
      url: 'https://reflex.example/api/v1/search?q=pearl%20holdings',
      method: 'POST',
      data: '{"text":"Quarterly figures for Zanzibar Pearl Holdings"}',
      query_string: 'q=pearl%20holdings',
      cookies: { 'better-auth.session_token': 'sess-secret' },
      headers: {
        authorization: 'Bearer rfx_live_secret',
        cookie: 'better-auth.session_token=sess-secret',
        'x-api-key': 'rfx_live_secret',
        'user-agent': 'Mozilla/5.0',
        'x-request-id': 'req-1',
      },
    },
    exception: { values: [{ type: 'Error', value: 'No member with email octavia.lindqvist@example.com' }] },
    breadcrumbs: [{ category: 'console', message: 'mailing bob@example.org' }],
    extra: { invitee: { email: 'bob@example.org', role: 'member' } },
    tags: { requestId: 'req-1' },
  };
}

describe('the Sentry scrubber', () => {
  it('removes emails, the user IP, request bodies, cookies and credentials, and keeps what locates the bug', () => {
    const out = scrubEvent(failedRequestEvent());
    const text = JSON.stringify(out);
    for (const secret of ['octavia.lindqvist@example.com', 'bob@example.org', '203.0.113.9', 'Zanzibar', 'sess-secret', 'rfx_live_secret', 'pearl']) {
      expect(text).not.toContain(secret);
    }
    expect(out.user).toEqual({ id: 'u-1' });
    expect(out.request).toEqual({
      url: 'https://reflex.example/api/v1/search',
      method: 'POST',
      headers: { 'user-agent': 'Mozilla/5.0', 'x-request-id': 'req-1' },
    });
    expect(out.message).toBe('Invite to [email] failed');
    expect(out.exception?.values?.[0]).toEqual({ type: 'Error', value: 'No member with email [email]' });
    expect(out.breadcrumbs?.[0]?.message).toBe('mailing [email]');
    expect(out.extra).toEqual({ invitee: { role: 'member' } });
    expect(out).toMatchObject({ release: 'deadbeef', tags: { requestId: 'req-1' }, event_id: 'abc' });
  });

  it('leaves the original event alone and drops a fetched URL’s query', () => {
    const event = failedRequestEvent();
    scrubEvent(event);
    expect(event.user?.email).toBe('octavia.lindqvist@example.com');
    const crumb = scrubBreadcrumb({ category: 'fetch', data: { url: '/api/v1/search?q=octavia', method: 'GET', status_code: 200 } });
    expect(crumb.data).toEqual({ url: '/api/v1/search', method: 'GET', status_code: 200 });
  });
});

describe('error reporting', () => {
  afterEach(() => registerErrorReporter(undefined));

  it('hands unexpected errors to the registered reporter with the request id, and AppErrors to nobody', () => {
    const seen: { error: unknown; tags: Record<string, string> }[] = [];
    registerErrorReporter((error, tags) => seen.push({ error, tags }));
    const bug = new TypeError('cannot read properties of undefined');
    const res = errorResponse(bug, 'req-42');
    expect(res.status).toBe(500);
    expect(seen).toEqual([{ error: bug, tags: { requestId: 'req-42' } }]);
  });

  it('is a no-op without a reporter, and a failing reporter does not break the response', () => {
    expect(errorResponse(new Error('x'), 'req-1').status).toBe(500);
    registerErrorReporter(() => {
      throw new Error('sentry down');
    });
    expect(errorResponse(new Error('y'), 'req-2').status).toBe(500);
  });
});

describe('failed pipeline runs', () => {
  let release: (() => Promise<void>) | undefined;
  afterAll(async () => {
    registerErrorReporter(undefined);
    await stopLocalRunner();
    await closePipelinePool();
    await closeOwnerDb();
    await release?.();
  });

  it('are reported once, when the run has failed for good', async () => {
    release = await isolateRunnerDatabase();
    await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50, functions });
    const seen: Record<string, string>[] = [];
    registerErrorReporter((_error, tags) => seen.push(tags));
    const tenant = await provision();
    const res = await uploadFile({ apiKey: tenant.apiKey }, { bytes: makeDeeplyCorruptPdf(), name: 'broken.pdf', type: 'application/pdf' });
    expect(res.status).toBe(202);
    const doc = await settle({ apiKey: tenant.apiKey }, res.body.id);
    expect(doc.status).toBe('failed');
    expect(seen).toEqual([{ pipeline: 'process-document' }]);
  });
});
