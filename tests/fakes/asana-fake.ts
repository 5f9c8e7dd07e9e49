import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, startFakeServer, type RecordedRequest } from '@/tests/fakes/http-server';

// Asana's OAuth and REST API as far as the connector uses them, in Asana's wire format
// (https://developers.asana.com/reference): GET /-/oauth_authorize redirects back with a code; POST /-/oauth_token
// (form-encoded) exchanges it (PKCE S256) or a refresh token and answers with `data` naming the user; POST
// /-/oauth_revoke. Under /api/1.0: bodies wrapped in {"data": …}, errors as {"errors":[{"message":…}]}, 401 for an
// expired or revoked token, 429 with Retry-After on demand. POST /webhooks performs the X-Hook-Secret handshake
// against the target before answering, as Asana does; changes (ours through the API, or made "in Asana" by a test)
// queue compact events that deliver() posts to each webhook signed with X-Hook-Signature.

export interface FakeTask {
  gid: string;
  name: string;
  notes: string;
  due_on: string | null;
  completed: boolean;
  assignee: { gid: string; email: string } | null;
  projectGid: string;
  sectionGid: string | null;
  modified_at: string;
}

interface Webhook {
  gid: string;
  resource: string;
  target: string;
  secret: string;
}

export interface AsanaFake {
  url: string;
  clientId: string;
  clientSecret: string;
  requests: RecordedRequest[];
  user: { gid: string; name: string; email: string };
  workspace: { gid: string; name: string };
  project: { gid: string; name: string };
  sections: { gid: string; name: string }[];
  tasks: Map<string, FakeTask>;
  webhooks: Webhook[];
  // What a person does in Asana's own UI: the task changes now, and a compact event is queued.
  editTask(gid: string, patch: Partial<Omit<FakeTask, 'gid' | 'modified_at'>>): FakeTask;
  createTaskInAsana(fields: Partial<Omit<FakeTask, 'gid' | 'modified_at'>> & { name: string }): FakeTask;
  // Posts the queued events to every webhook, signed; answers the statuses our endpoint returned.
  deliver(): Promise<number[]>;
  // Posts this exact body and signature to a webhook target (for forged and replayed deliveries).
  post(target: string, body: string, headers: Record<string, string>): Promise<{ status: number; headers: Headers }>;
  sign(secret: string, body: string): string;
  expireAccessTokens(): void;
  revokeEverything(): void;
  rateLimitNext(calls: number, retryAfterSeconds: number): void;
  close(): Promise<void>;
}

const gidOf = () => String(1_200_000_000_000_000 + Math.floor(Math.random() * 1e12));
const errors = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
  sendJson(res, status, { errors: [{ message, help: 'For more information on API status codes and how to handle them, read the docs on errors.' }] }, headers);

export async function startAsanaFake(options: { port?: number } = {}): Promise<AsanaFake> {
  const clientId = 'asana-client-id';
  const clientSecret = 'asana-client-secret';
  const user = { gid: gidOf(), name: 'Ada Asana', email: 'ada@asana.test' };
  const workspace = { gid: gidOf(), name: 'Acme' };
  const project = { gid: gidOf(), name: 'Launch plan' };
  const sections = [
    { gid: gidOf(), name: 'To do' },
    { gid: gidOf(), name: 'Doing' },
    { gid: gidOf(), name: 'Done' },
  ];
  const otherProject = { gid: gidOf(), name: 'Other project' };
  const tasks = new Map<string, FakeTask>();
  const webhooks: Webhook[] = [];
  const codes = new Map<string, { redirectUri: string; challenge: string | null }>();
  const live = new Set<string>();
  const refreshTokens = new Set<string>();
  let queued: { action: string; resource: { gid: string; resource_type: string } }[] = [];
  let rateLimited = 0;
  let retryAfter = 1;
  let lastModified = 0;

  // modified_at strictly increases, so "later" is always later.
  const stamp = () => {
    lastModified = Math.max(Date.now(), lastModified + 1);
    return new Date(lastModified).toISOString();
  };
  const queue = (action: string, gid: string) => queued.push({ action, resource: { gid, resource_type: 'task' } });
  const view = (t: FakeTask) => ({
    gid: t.gid,
    resource_type: 'task',
    name: t.name,
    notes: t.notes,
    due_on: t.due_on,
    completed: t.completed,
    modified_at: t.modified_at,
    assignee: t.assignee,
    memberships: [{ project: { gid: t.projectGid }, section: t.sectionGid ? { gid: t.sectionGid } : null }],
  });
  const assigneeFrom = (value: unknown): FakeTask['assignee'] =>
    typeof value === 'string' ? { gid: value === user.email ? user.gid : gidOf(), email: value } : null;

  function applyWrite(t: FakeTask, data: Record<string, unknown>): void {
    if (typeof data.name === 'string') t.name = data.name;
    if (typeof data.notes === 'string') t.notes = data.notes;
    if ('due_on' in data) t.due_on = typeof data.due_on === 'string' ? data.due_on : null;
    if (typeof data.completed === 'boolean') t.completed = data.completed;
    if ('assignee' in data) t.assignee = assigneeFrom(data.assignee);
  }

  async function handshake(target: string): Promise<string | null> {
    const secret = randomBytes(32).toString('hex');
    try {
      const res = await fetch(target, { method: 'POST', headers: { 'X-Hook-Secret': secret, 'content-type': 'application/json' }, body: '' });
      return res.status === 200 && res.headers.get('x-hook-secret') === secret ? secret : null;
    } catch {
      return null;
    }
  }

  async function api(req: IncomingMessage, res: ServerResponse, r: RecordedRequest, url: URL): Promise<void> {
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !live.has(auth.slice(7))) return errors(res, 401, 'Not Authorized');
    if (rateLimited > 0) {
      rateLimited--;
      return errors(res, 429, 'You have made too many requests recently. Please, be chill.', { 'Retry-After': String(retryAfter) });
    }
    const path = url.pathname.replace(/^\/api\/1\.0/, '');
    const body = (r.json as { data?: Record<string, unknown> } | undefined)?.data ?? {};
    const m = (re: RegExp) => path.match(re);
    let g: RegExpMatchArray | null;
    if (req.method === 'GET' && path === '/users/me') return sendJson(res, 200, { data: { ...user, resource_type: 'user' } });
    if (req.method === 'GET' && path === '/workspaces') return sendJson(res, 200, { data: [workspace] });
    if (req.method === 'GET' && path === '/projects') {
      if (url.searchParams.get('workspace') !== workspace.gid) return errors(res, 400, 'workspace: Not a recognized ID');
      return sendJson(res, 200, { data: [project, otherProject] });
    }
    if (req.method === 'GET' && (g = m(/^\/projects\/(\d+)\/sections$/))) {
      if (g[1] === project.gid) return sendJson(res, 200, { data: sections });
      if (g[1] === otherProject.gid) return sendJson(res, 200, { data: [] });
      return errors(res, 404, 'project: Unknown object');
    }
    if (req.method === 'GET' && path === '/tasks') {
      const since = Date.parse(url.searchParams.get('modified_since') ?? '');
      const list = [...tasks.values()].filter((t) => t.projectGid === url.searchParams.get('project') && (!since || Date.parse(t.modified_at) > since));
      return sendJson(res, 200, { data: list.map(view) });
    }
    if (req.method === 'POST' && path === '/tasks') {
      if (typeof body.name !== 'string') return errors(res, 400, 'name: Missing input');
      const projects = Array.isArray(body.projects) ? body.projects : [];
      const membership = Array.isArray(body.memberships) ? (body.memberships[0] as { project?: string; section?: string } | undefined) : undefined;
      const t: FakeTask = {
        gid: gidOf(),
        name: '',
        notes: '',
        due_on: null,
        completed: false,
        assignee: null,
        projectGid: String(projects[0] ?? membership?.project ?? ''),
        sectionGid: membership?.section ?? sections[0]?.gid ?? null,
        modified_at: stamp(),
      };
      applyWrite(t, body);
      tasks.set(t.gid, t);
      queue('added', t.gid);
      return sendJson(res, 201, { data: view(t) });
    }
    if ((g = m(/^\/tasks\/(\d+)$/))) {
      const t = tasks.get(g[1] ?? '');
      if (!t) return errors(res, 404, 'task: Unknown object: ' + g[1]);
      if (req.method === 'GET') return sendJson(res, 200, { data: view(t) });
      if (req.method === 'PUT') {
        applyWrite(t, body);
        t.modified_at = stamp();
        queue('changed', t.gid);
        return sendJson(res, 200, { data: view(t) });
      }
      if (req.method === 'DELETE') {
        tasks.delete(t.gid);
        queue('deleted', t.gid);
        return sendJson(res, 200, { data: {} });
      }
    }
    if (req.method === 'POST' && (g = m(/^\/sections\/(\d+)\/addTask$/))) {
      const section = sections.find((s) => s.gid === g?.[1]);
      const t = tasks.get(String(body.task ?? ''));
      if (!section || !t) return errors(res, 404, 'Unknown object');
      t.sectionGid = section.gid;
      t.modified_at = stamp();
      queue('changed', t.gid);
      return sendJson(res, 200, { data: {} });
    }
    if (req.method === 'POST' && path === '/webhooks') {
      const target = String(body.target ?? '');
      const secret = await handshake(target);
      if (!secret) return errors(res, 400, 'The remote server did not respond with the handshake secret.');
      const hook = { gid: gidOf(), resource: String(body.resource ?? ''), target, secret };
      webhooks.push(hook);
      return sendJson(res, 201, { data: { gid: hook.gid, resource: { gid: hook.resource }, target, active: true } });
    }
    if (req.method === 'DELETE' && (g = m(/^\/webhooks\/(\d+)$/))) {
      const i = webhooks.findIndex((w) => w.gid === g?.[1]);
      if (i < 0) return errors(res, 404, 'webhook: Unknown object');
      webhooks.splice(i, 1);
      return sendJson(res, 200, { data: {} });
    }
    return errors(res, 404, `No matching route for request: ${req.method} ${path}`);
  }

  function issue(res: ServerResponse, refresh: string, withUser: boolean) {
    const access = `asana_at_${randomBytes(12).toString('hex')}`;
    live.add(access);
    sendJson(res, 200, {
      access_token: access,
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: refresh,
      ...(withUser ? { data: { id: Number(user.gid.slice(-9)), gid: user.gid, name: user.name, email: user.email } } : {}),
    });
  }

  const server = await startFakeServer(async (req, res, r) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/-/oauth_authorize') {
      const code = randomBytes(12).toString('hex');
      codes.set(code, { redirectUri: url.searchParams.get('redirect_uri') ?? '', challenge: url.searchParams.get('code_challenge') });
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      res.end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/-/oauth_token') {
      const form = Object.fromEntries(new URLSearchParams(r.body.toString('utf8')));
      const basic = req.headers.authorization?.startsWith('Basic ') ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString('utf8').split(':') : [];
      const id = form.client_id ?? basic[0];
      const secret = form.client_secret ?? basic[1];
      if (id !== clientId || secret !== clientSecret) return sendJson(res, 401, { error: 'invalid_client', error_description: 'The client is not authorized' });
      if (form.grant_type === 'authorization_code') {
        const c = codes.get(form.code ?? '');
        codes.delete(form.code ?? '');
        const verifierOk = !c?.challenge || createHash('sha256').update(form.code_verifier ?? '').digest('base64url') === c.challenge;
        if (!c || c.redirectUri !== form.redirect_uri || !verifierOk) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'The code is invalid' });
        const refresh = `asana_rt_${randomBytes(12).toString('hex')}`;
        refreshTokens.add(refresh);
        return issue(res, refresh, true);
      }
      if (form.grant_type === 'refresh_token') {
        if (!refreshTokens.has(form.refresh_token ?? '')) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'The refresh token is invalid or revoked' });
        return issue(res, form.refresh_token ?? '', false);
      }
      return sendJson(res, 400, { error: 'unsupported_grant_type' });
    }
    if (req.method === 'POST' && url.pathname === '/-/oauth_revoke') {
      const form = Object.fromEntries(new URLSearchParams(r.body.toString('utf8')));
      live.delete(form.token ?? '');
      refreshTokens.delete(form.token ?? '');
      return sendJson(res, 200, {});
    }
    if (url.pathname.startsWith('/api/1.0/')) return api(req, res, r, url);
    return errors(res, 404, 'Not found');
  }, options.port);

  const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');
  const post = async (target: string, body: string, headers: Record<string, string>) => {
    const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await res.arrayBuffer();
    return { status: res.status, headers: res.headers };
  };

  return {
    url: server.url,
    clientId,
    clientSecret,
    requests: server.requests,
    user,
    workspace,
    project,
    sections,
    tasks,
    webhooks,
    editTask(gid, patch) {
      const t = tasks.get(gid);
      if (!t) throw new Error(`no fake task ${gid}`);
      Object.assign(t, patch, { modified_at: stamp() });
      queue('changed', gid);
      return t;
    },
    createTaskInAsana(fields) {
      const t: FakeTask = { gid: gidOf(), notes: '', due_on: null, completed: false, assignee: null, projectGid: project.gid, sectionGid: sections[0]?.gid ?? null, ...fields, modified_at: stamp() };
      tasks.set(t.gid, t);
      queue('added', t.gid);
      return t;
    },
    async deliver() {
      const events = queued;
      queued = [];
      if (events.length === 0) return [];
      const statuses: number[] = [];
      for (const hook of webhooks) {
        const body = JSON.stringify({ events: events.map((e) => ({ user: { gid: user.gid, resource_type: 'user' }, created_at: new Date().toISOString(), ...e })) });
        statuses.push((await post(hook.target, body, { 'X-Hook-Signature': sign(hook.secret, body) })).status);
      }
      return statuses;
    },
    post,
    sign,
    expireAccessTokens: () => live.clear(),
    revokeEverything: () => {
      live.clear();
      refreshTokens.clear();
    },
    rateLimitNext: (calls, seconds) => {
      rateLimited = calls;
      retryAfter = seconds;
    },
    close: () => server.close(),
  };
}
