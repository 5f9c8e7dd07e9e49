import '../documents/blob-dir';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { functions } from '@/inngest';
import { drainLocalRunner, listRuns, startLocalRunner, stopLocalRunner, waitForRun } from '@/inngest/local';
import { createMemoryAlertGate, resetAlertGateForTests } from '@/lib/alerts/gate';
import { raisePlatformAlert, raiseTenantAlert } from '@/lib/alerts/raise';
import { withTenant } from '@/lib/db/tenant';
import { resetEnvForTests } from '@/lib/env';
import { setQuotaOverrides } from '@/lib/quotas';
import { provision } from '../helpers/http';
import { isolateRunnerDatabase } from '../runner/harness';
import { uploadText } from '../documents/helpers';
import { startFakeSlack, type FakeSlack } from './fake-slack';

let release: () => Promise<void>;
let slack: FakeSlack;

beforeAll(async () => {
  release = await isolateRunnerDatabase();
  slack = await startFakeSlack();
  await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50, functions });
});

afterAll(async () => {
  await drainLocalRunner(60_000);
  await stopLocalRunner();
  await slack.close();
  delete process.env.ALERT_SLACK_WEBHOOK_URL;
  resetEnvForTests();
  await release();
});

beforeEach(() => {
  slack.received.length = 0;
  slack.failNext.length = 0;
  resetAlertGateForTests();
});

async function tenantWithWebhook(path: string | null) {
  const t = await provision();
  if (path) {
    const url = `${slack.url}${path}`;
    await withTenant(t.tenantId, (tx) => tx.execute(sql`update tenants set settings = jsonb_set(settings, '{slackWebhookUrl}', to_jsonb(${url}::text))`));
  }
  return t;
}

// Every alert run started for this data, finished, oldest first.
async function finishedRuns(eventData: Record<string, unknown>) {
  await drainLocalRunner(60_000);
  const runs = await listRuns({ functionId: 'send-slack-alert', eventData });
  return Promise.all(runs.reverse().map((r) => waitForRun(r.id, 60_000)));
}

const alert = (tenantId: string, key: string) => ({ tenantId, key, title: `Budget ${key}`, text: 'At 80% of the budget', severity: 'warning' as const });

describe('tenant Slack alerts through the pipeline', () => {
  it('posts to the tenant webhook once, and drops the same key raised again within the window', async () => {
    const t = await tenantWithWebhook('/hooks/a');
    expect(await raiseTenantAlert(alert(t.tenantId, 'k1'))).toBe(true);
    expect(await raiseTenantAlert(alert(t.tenantId, 'k1'))).toBe(true);
    const runs = await finishedRuns({ tenantId: t.tenantId });
    expect(runs.map((r) => r.output)).toEqual([{ outcome: 'sent' }, { outcome: 'duplicate' }]);
    expect(slack.received).toHaveLength(1);
    expect(slack.received[0]?.path).toBe('/hooks/a');
    expect(slack.received[0]?.body.text).toContain('Budget k1');
  });

  it('retries when Slack answers 500 until it accepts', async () => {
    const t = await tenantWithWebhook('/hooks/b');
    slack.failNext.push(500, 500);
    expect(await raiseTenantAlert(alert(t.tenantId, 'k2'))).toBe(true);
    const [run] = await finishedRuns({ tenantId: t.tenantId });
    expect(run?.status).toBe('completed');
    expect(run?.output).toEqual({ outcome: 'sent' });
    // Both 500s were consumed before the 200: the post step was attempted three times.
    expect(slack.failNext).toEqual([]);
    expect(slack.received).toHaveLength(1);
  });

  it('does nothing for a tenant without a webhook', async () => {
    const t = await tenantWithWebhook(null);
    await raiseTenantAlert(alert(t.tenantId, 'k3'));
    const runs = await finishedRuns({ tenantId: t.tenantId });
    expect(runs.map((r) => r.output)).toEqual([{ outcome: 'no_webhook' }]);
    expect(slack.received).toHaveLength(0);
  });

  it('queues the quota alert, while uploads keep answering with Slack down', async () => {
    const t = await tenantWithWebhook('/hooks/quota');
    await withTenant(t.tenantId, (tx) => setQuotaOverrides(tx, t.tenantId, { documents: 1 }));
    slack.failNext.push(500, 500, 500, 500, 500);
    const res = await uploadText({ apiKey: t.apiKey }, `An upload that uses the whole quota ${randomUUID()}`);
    expect(res.status).toBe(202);
    const [run] = await finishedRuns({ tenantId: t.tenantId, key: `quota:documents:${new Date().toISOString().slice(0, 7)}` });
    expect(run?.status).toBe('failed');
    expect(slack.failNext).toEqual([]);
    expect(slack.received).toHaveLength(0);
  });

  it('delivers the quota alert when Slack is up', async () => {
    const t = await tenantWithWebhook('/hooks/quota-ok');
    await withTenant(t.tenantId, (tx) => setQuotaOverrides(tx, t.tenantId, { documents: 1 }));
    expect((await uploadText({ apiKey: t.apiKey }, `Another quota upload ${randomUUID()}`)).status).toBe(202);
    await finishedRuns({ tenantId: t.tenantId });
    expect(slack.received.map((r) => r.path)).toEqual(['/hooks/quota-ok']);
    expect(slack.received[0]?.body.text).toMatch(/Quota at 100%: documents uploaded this month/);
  });
});

describe('platform Slack alerts', () => {
  it('go to ALERT_SLACK_WEBHOOK_URL', async () => {
    process.env.ALERT_SLACK_WEBHOOK_URL = `${slack.url}/hooks/platform`;
    resetEnvForTests();
    const key = `db-down-${randomUUID()}`;
    expect(await raisePlatformAlert({ key, title: 'Database unreachable', text: 'ready check failed', severity: 'critical' })).toBe(true);
    const runs = await finishedRuns({ key });
    expect(runs.map((r) => r.output)).toEqual([{ outcome: 'sent' }]);
    expect(slack.received.map((r) => r.path)).toEqual(['/hooks/platform']);
  });
});

describe('alert gate', () => {
  it('deduplicates a key within the window and again admits it after', () => {
    const gate = createMemoryAlertGate(60_000, { max: 100, windowMs: 1_000 });
    expect(gate.admit('t1', 'k', 0)).toBe('admitted');
    expect(gate.admit('t1', 'k', 59_999)).toBe('duplicate');
    expect(gate.admit('t2', 'k', 59_999)).toBe('admitted');
    expect(gate.admit('t1', 'k', 60_000)).toBe('admitted');
  });

  it('rate limits each destination separately, per window', () => {
    const gate = createMemoryAlertGate(1, { max: 3, windowMs: 10_000 });
    for (let i = 0; i < 3; i++) expect(gate.admit('t1', `k${i}`, i)).toBe('admitted');
    expect(gate.admit('t1', 'k9', 5)).toBe('rate_limited');
    expect(gate.admit('t2', 'k9', 5)).toBe('admitted');
    expect(gate.admit('t1', 'k9', 10_000)).toBe('admitted');
  });
});
