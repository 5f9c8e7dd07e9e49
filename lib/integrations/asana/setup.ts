import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { asanaConnections, asanaTaskLinks } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { getEnv } from '@/lib/env';
import { AppError, notFound } from '@/lib/http/errors';
import { IntegrationReauthRequired, withAccessToken, type ConnectionRef } from '@/lib/integrations/connections';
import { ProviderRetryLater } from '@/lib/integrations/http';
import { findConnectionRow } from '@/lib/integrations/store';
import { loadColumns } from '@/lib/tasks/columns';
import { AsanaApiError, asanaApi, type AsanaNamed } from './api';

const gid = z.string().regex(/^\d{1,30}$/, 'an Asana id (digits)');

export const asanaSetupBodySchema = z
  .strictObject({
    workspaceGid: gid,
    projectGid: gid,
    sectionMap: z.record(z.uuid(), gid).describe('Board column id → Asana section id of the chosen project'),
    doneColumnId: z.uuid().nullable().describe('Tasks completed in Asana move here; tasks moved here are completed in Asana'),
  })
  .meta({ id: 'AsanaSetupInput' });
export type AsanaSetupInput = z.infer<typeof asanaSetupBodySchema>;

export const asanaSetupSchema = z
  .object({
    workspace: z.object({ gid: z.string(), name: z.string() }).nullable(),
    project: z.object({ gid: z.string(), name: z.string() }).nullable(),
    sectionMap: z.record(z.string(), z.string()),
    doneColumnId: z.uuid().nullable(),
    webhook: z.object({ active: z.boolean(), lastEventAt: z.iso.datetime().nullable() }),
    linkedTasks: z.number().int(),
    columns: z.array(z.object({ id: z.uuid(), name: z.string() })),
  })
  .meta({ id: 'AsanaSetup' });
export type AsanaSetup = z.infer<typeof asanaSetupSchema>;

export const asanaChoicesSchema = z.object({ items: z.array(z.object({ gid: z.string(), name: z.string() })) }).meta({ id: 'AsanaChoices' });

function webhookTarget(connectionId: string): string {
  const base = (getEnv().APP_URL ?? 'http://localhost:3000').replace(/\/$/, '');
  return `${base}/api/integrations/asana/webhooks/${connectionId}`;
}

// The framework's connection must exist in this tenant (an id of another tenant reads as missing under RLS) and be
// an Asana one: another provider's connection answers like an id that exists nowhere.
async function assertConnection(tx: Tx, connectionId: string): Promise<void> {
  const row = await findConnectionRow(tx, connectionId);
  if (!row || row.provider !== 'asana') throw notFound('Connection');
}

export async function getAsanaSetup(tx: Tx, tenantId: string, connectionId: string): Promise<AsanaSetup> {
  await assertConnection(tx, connectionId);
  const [c] = await tx.select().from(asanaConnections).where(eq(asanaConnections.connectionId, connectionId)).limit(1);
  const columns = await loadColumns(tx, tenantId);
  const linked = await tx.$count(asanaTaskLinks, eq(asanaTaskLinks.connectionId, connectionId));
  return {
    workspace: c?.workspaceGid ? { gid: c.workspaceGid, name: c.workspaceName ?? '' } : null,
    project: c?.projectGid ? { gid: c.projectGid, name: c.projectName ?? '' } : null,
    sectionMap: c?.sectionMap ?? {},
    doneColumnId: c?.doneColumnId ?? null,
    webhook: { active: Boolean(c?.webhookGid && c.hookSecret), lastEventAt: c?.lastEventAt?.toISOString() ?? null },
    linkedTasks: linked,
    columns: columns.map((col) => ({ id: col.id, name: col.name })),
  };
}

// Asana's answers become the app's own errors for the settings routes: its refusals are the admin's to fix (422),
// its rate limit a 429 with the same wait, a connection that needs reconnecting a 409.
async function asAppErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AsanaApiError) throw new AppError('validation_failed', err.message);
    if (err instanceof ProviderRetryLater) throw new AppError('rate_limited', `Asana is busy; try again in ${err.seconds} seconds`, { headers: { 'Retry-After': String(err.seconds) } });
    if (err instanceof IntegrationReauthRequired) throw new AppError('conflict', err.message);
    throw err;
  }
}

export async function listAsanaChoices(ref: ConnectionRef, what: { kind: 'workspaces' } | { kind: 'projects' | 'sections'; parentGid: string }): Promise<{ items: AsanaNamed[] }> {
  await withTenant(ref.tenantId, (tx) => assertConnection(tx, ref.connectionId));
  const items = await asAppErrors(() => withAccessToken(ref, (token) => {
    if (what.kind === 'workspaces') return asanaApi.workspaces(token);
    if (what.kind === 'projects') return asanaApi.projects(token, what.parentGid);
    return asanaApi.sections(token, what.parentGid);
  }));
  return { items: items.map((i) => ({ gid: i.gid, name: i.name })) };
}

function invalid(path: string, message: string): AppError {
  return new AppError('validation_failed', message, { details: { issues: [{ path, message }] } });
}

// Saves the admin's choice. Names and sections are checked against Asana (the ids must be the project's own);
// choosing another project drops the old links and webhook and registers a webhook on the new project.
export function saveAsanaSetup(ref: ConnectionRef, input: AsanaSetupInput): Promise<AsanaSetup> {
  return asAppErrors(() => saveSetup(ref, input));
}

async function saveSetup(ref: ConnectionRef, input: AsanaSetupInput): Promise<AsanaSetup> {
  const columns = await withTenant(ref.tenantId, async (tx) => {
    await assertConnection(tx, ref.connectionId);
    return loadColumns(tx, ref.tenantId);
  });
  const columnIds = new Set(columns.map((c) => c.id));
  for (const id of Object.keys(input.sectionMap)) if (!columnIds.has(id)) throw invalid('sectionMap', 'A mapped column is not on this board');
  if (input.doneColumnId && !columnIds.has(input.doneColumnId)) throw invalid('doneColumnId', 'The done column is not on this board');

  const { workspace, project, previous } = await withAccessToken(ref, async (token) => {
    const workspaces = await asanaApi.workspaces(token);
    const ws = workspaces.find((w) => w.gid === input.workspaceGid);
    if (!ws) throw invalid('workspaceGid', 'This Asana account cannot see that workspace');
    const projects = await asanaApi.projects(token, ws.gid);
    const pr = projects.find((p) => p.gid === input.projectGid);
    if (!pr) throw invalid('projectGid', 'That project is not in the chosen workspace');
    const sections = new Set((await asanaApi.sections(token, pr.gid)).map((s) => s.gid));
    for (const s of Object.values(input.sectionMap)) if (!sections.has(s)) throw invalid('sectionMap', 'A mapped section is not in the chosen project');
    const prev = await withTenant(ref.tenantId, async (tx) => {
      const [c] = await tx.select().from(asanaConnections).where(eq(asanaConnections.connectionId, ref.connectionId)).limit(1);
      return c ?? null;
    });
    return { workspace: ws, project: pr, previous: prev };
  });

  const projectChanged = previous?.projectGid !== project.gid;
  await withTenant(ref.tenantId, async (tx) => {
    const values = {
      workspaceGid: workspace.gid,
      workspaceName: workspace.name,
      projectGid: project.gid,
      projectName: project.name,
      sectionMap: input.sectionMap,
      doneColumnId: input.doneColumnId,
      updatedAt: new Date(),
      ...(projectChanged ? { webhookGid: null, hookSecret: null, webhookPendingSince: new Date(), modifiedSince: new Date() } : {}),
    };
    await tx
      .insert(asanaConnections)
      .values({ tenantId: ref.tenantId, connectionId: ref.connectionId, ...values })
      .onConflictDoUpdate({ target: asanaConnections.connectionId, set: values });
    if (projectChanged) await tx.delete(asanaTaskLinks).where(eq(asanaTaskLinks.connectionId, ref.connectionId));
  });
  if (projectChanged) await registerAsanaWebhook(ref, project.gid, previous?.webhookGid ?? null);
  return withTenant(ref.tenantId, (tx) => getAsanaSetup(tx, ref.tenantId, ref.connectionId));
}

// Asana answers POST /webhooks only after our endpoint has answered its handshake (receiveAsanaWebhook stores the
// secret then), so the pending window is open for the duration of this call.
async function registerAsanaWebhook(ref: ConnectionRef, projectGid: string, oldWebhookGid: string | null): Promise<void> {
  const created = await withAccessToken(ref, async (token) => {
    if (oldWebhookGid) await asanaApi.deleteWebhook(token, oldWebhookGid);
    return asanaApi.createWebhook(token, projectGid, webhookTarget(ref.connectionId));
  }).catch(async (err: unknown) => {
    await withTenant(ref.tenantId, (tx) => tx.update(asanaConnections).set({ webhookPendingSince: null }).where(eq(asanaConnections.connectionId, ref.connectionId)));
    throw err;
  });
  await withTenant(ref.tenantId, (tx) =>
    tx.update(asanaConnections).set({ webhookGid: created.gid, webhookPendingSince: null, updatedAt: new Date() }).where(eq(asanaConnections.connectionId, ref.connectionId)),
  );
}

// When the framework disconnects: stop Asana calling us. Links and history stay with the tasks until erasure.
export async function removeAsanaWebhook(ref: ConnectionRef): Promise<void> {
  const webhookGid = await withTenant(ref.tenantId, async (tx) => {
    const [c] = await tx.select({ gid: asanaConnections.webhookGid }).from(asanaConnections).where(eq(asanaConnections.connectionId, ref.connectionId)).limit(1);
    return c?.gid ?? null;
  });
  if (webhookGid) await withAccessToken(ref, (token) => asanaApi.deleteWebhook(token, webhookGid));
  await withTenant(ref.tenantId, (tx) => tx.update(asanaConnections).set({ webhookGid: null, hookSecret: null, projectGid: null }).where(eq(asanaConnections.connectionId, ref.connectionId)));
}
