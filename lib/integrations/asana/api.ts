import { z } from 'zod';
import { getEnv } from '@/lib/env';
import { providerFetch } from '@/lib/integrations/http';

// Asana's REST API (https://developers.asana.com/reference): JSON bodies wrapped in {"data": …}, errors as
// {"errors":[{"message":…}]}. ASANA_API_BASE points tests at a wire-format fake.
export function asanaOrigin(): string {
  return (getEnv().ASANA_API_BASE ?? 'https://app.asana.com').replace(/\/$/, '');
}

export class AsanaApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AsanaApiError';
  }
}

const errorsSchema = z.object({ errors: z.array(z.object({ message: z.string() })).min(1) });

async function request<S extends z.ZodType>(token: string, method: string, path: string, schema: S, body?: unknown): Promise<z.output<S>> {
  const res = await providerFetch('asana', `${asanaOrigin()}/api/1.0${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify({ data: body }),
  });
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const parsed = errorsSchema.safeParse(json);
    throw new AsanaApiError(res.status, `Asana answered ${res.status}: ${parsed.success ? parsed.data.errors.map((e) => e.message).join('; ') : 'no error message'}`);
  }
  const envelope = z.object({ data: z.unknown() }).safeParse(json);
  const parsed = schema.safeParse(envelope.success ? envelope.data.data : undefined);
  if (!parsed.success) throw new AsanaApiError(res.status, `Asana sent an unexpected ${method} ${path.split('?')[0]} response`);
  return parsed.data;
}

const named = z.object({ gid: z.string().min(1).max(64), name: z.string().max(1024) });
export type AsanaNamed = z.infer<typeof named>;

export const asanaTaskSchema = z.object({
  gid: z.string().min(1).max(64),
  name: z.string().max(1024),
  notes: z.string().max(65_536).nullish(),
  due_on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullish(),
  completed: z.boolean().nullish(),
  modified_at: z.iso.datetime({ offset: true }),
  assignee: z.object({ gid: z.string(), email: z.string().nullish() }).nullish(),
  memberships: z.array(z.object({ project: z.object({ gid: z.string() }), section: z.object({ gid: z.string() }).nullish() })).nullish(),
});
export type AsanaTask = z.infer<typeof asanaTaskSchema>;

export const TASK_FIELDS = 'gid,name,notes,due_on,completed,modified_at,assignee.email,memberships.project.gid,memberships.section.gid';

export interface AsanaTaskWrite {
  name?: string;
  notes?: string;
  due_on?: string | null;
  completed?: boolean;
  // An email address or null: Asana resolves emails of workspace members.
  assignee?: string | null;
}

export const asanaApi = {
  me: (token: string) => request(token, 'GET', '/users/me', z.object({ gid: z.string(), name: z.string(), email: z.string().nullish() })),
  workspaces: (token: string) => request(token, 'GET', '/workspaces?limit=100', z.array(named)),
  projects: (token: string, workspaceGid: string) =>
    request(token, 'GET', `/projects?workspace=${encodeURIComponent(workspaceGid)}&archived=false&limit=100`, z.array(named)),
  sections: (token: string, projectGid: string) => request(token, 'GET', `/projects/${encodeURIComponent(projectGid)}/sections?limit=100`, z.array(named)),
  // null when the task is gone (deleted, or no longer visible to the connection's user).
  task: async (token: string, gid: string): Promise<AsanaTask | null> => {
    try {
      return await request(token, 'GET', `/tasks/${encodeURIComponent(gid)}?opt_fields=${TASK_FIELDS}`, asanaTaskSchema);
    } catch (err) {
      if (err instanceof AsanaApiError && err.status === 404) return null;
      throw err;
    }
  },
  modifiedTasks: (token: string, projectGid: string, since: Date) =>
    request(
      token,
      'GET',
      `/tasks?project=${encodeURIComponent(projectGid)}&modified_since=${encodeURIComponent(since.toISOString())}&opt_fields=${TASK_FIELDS}&limit=100`,
      z.array(asanaTaskSchema),
    ),
  createTask: (token: string, projectGid: string, sectionGid: string | null, fields: AsanaTaskWrite) =>
    request(
      token,
      'POST',
      `/tasks?opt_fields=${TASK_FIELDS}`,
      asanaTaskSchema,
      { ...fields, projects: [projectGid], ...(sectionGid ? { memberships: [{ project: projectGid, section: sectionGid }] } : {}) },
    ),
  updateTask: (token: string, gid: string, fields: AsanaTaskWrite) =>
    request(token, 'PUT', `/tasks/${encodeURIComponent(gid)}?opt_fields=${TASK_FIELDS}`, asanaTaskSchema, fields),
  moveToSection: (token: string, sectionGid: string, taskGid: string) =>
    request(token, 'POST', `/sections/${encodeURIComponent(sectionGid)}/addTask`, z.object({}).loose(), { task: taskGid }),
  deleteTask: async (token: string, gid: string): Promise<void> => {
    try {
      await request(token, 'DELETE', `/tasks/${encodeURIComponent(gid)}`, z.object({}).loose());
    } catch (err) {
      if (err instanceof AsanaApiError && err.status === 404) return;
      throw err;
    }
  },
  createWebhook: (token: string, resourceGid: string, target: string) =>
    request(token, 'POST', '/webhooks', z.object({ gid: z.string() }), {
      resource: resourceGid,
      target,
      filters: [{ resource_type: 'task' }],
    }),
  deleteWebhook: async (token: string, gid: string): Promise<void> => {
    try {
      await request(token, 'DELETE', `/webhooks/${encodeURIComponent(gid)}`, z.object({}).loose());
    } catch (err) {
      if (err instanceof AsanaApiError && err.status === 404) return;
      throw err;
    }
  },
};
