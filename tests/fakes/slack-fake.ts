import type { ServerResponse } from 'node:http';
import { sendJson, startFakeServer, type RecordedRequest } from './http-server';

// A wire-format fake of Slack's Web API (https://api.slack.com/web): methods are POSTed to /api/<method> as
// application/x-www-form-urlencoded (or JSON) with the bot token as a Bearer header, and answer 200 with
// {"ok":true,…} or {"ok":false,"error":"…"}; rate limits are 429 with Retry-After. Also serves file downloads
// (url_private_download, Bearer-authenticated) and receives response_url posts.

export interface FakeSlackFile {
  id: string;
  name: string;
  title?: string;
  mimetype: string;
  bytes: Uint8Array;
}

export interface SlackCall {
  method: string;
  token: string | null;
  args: Record<string, unknown>;
}

export interface SlackFake {
  url: string;
  apiBase: string;
  calls: SlackCall[];
  responses: { path: string; body: Record<string, unknown> }[];
  // Issued by oauth.v2.access for `code` → team.
  installs: Map<string, { team: { id: string; name: string }; token: string }>;
  validTokens: Set<string>;
  revokedTokens: Set<string>;
  files: Map<string, FakeSlackFile>;
  // The next calls of a method fail: 429 with Retry-After, or an ok:false error.
  failNext: { method: string; status?: 429; retryAfter?: number; error?: string }[];
  responseUrl(id: string): string;
  postsTo(method: 'chat.postMessage' | 'chat.postEphemeral'): SlackCall[];
  close(): Promise<void>;
}

function fieldsOf(recorded: RecordedRequest): Record<string, unknown> {
  const type = String(recorded.headers['content-type'] ?? '');
  if (type.includes('application/json')) return typeof recorded.json === 'object' && recorded.json !== null ? { ...recorded.json } : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(recorded.body.toString('utf8'))) {
    // The SDK JSON-encodes arrays and objects (blocks) inside form fields.
    out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  }
  return out;
}

function bearer(recorded: RecordedRequest): string | null {
  const h = recorded.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer (.+)$/.exec(h) : null;
  return m?.[1] ?? null;
}

export async function startSlackFake(): Promise<SlackFake> {
  const calls: SlackCall[] = [];
  const responses: SlackFake['responses'] = [];
  const installs: SlackFake['installs'] = new Map();
  const validTokens = new Set<string>();
  const revokedTokens = new Set<string>();
  const files = new Map<string, FakeSlackFile>();
  const failNext: SlackFake['failNext'] = [];
  let ts = 1_700_000_000;
  let base = '';

  const ok = (res: ServerResponse, body: Record<string, unknown>) => sendJson(res, 200, { ok: true, ...body });
  const fail = (res: ServerResponse, error: string) => sendJson(res, 200, { ok: false, error });

  const server = await startFakeServer((_req, res, recorded) => {
    if (recorded.path.startsWith('/response/')) {
      responses.push({ path: recorded.path, body: fieldsOf(recorded) });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    const download = /^\/files\/([^/]+)\/download$/.exec(recorded.path);
    if (download) {
      const token = bearer(recorded);
      const file = files.get(download[1] ?? '');
      // Slack answers a download without a valid token with its sign-in page, not the file.
      if (!token || !validTokens.has(token) || !file) {
        res.writeHead(302, { location: 'https://slack.com/signin' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': file.mimetype, 'content-length': file.bytes.byteLength });
      res.end(Buffer.from(file.bytes));
      return;
    }
    const method = recorded.path.replace(/^\/api\//, '');
    const args = fieldsOf(recorded);
    const token = bearer(recorded);
    calls.push({ method, token, args });
    const injected = failNext.findIndex((f) => f.method === method);
    if (injected >= 0) {
      const [f] = failNext.splice(injected, 1);
      if (f?.status === 429) {
        sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(f.retryAfter ?? 1) });
        return;
      }
      fail(res, f?.error ?? 'internal_error');
      return;
    }
    if (method === 'oauth.v2.access') {
      const install = installs.get(String(args.code ?? ''));
      if (!install) return fail(res, 'invalid_code');
      validTokens.add(install.token);
      return ok(res, { access_token: install.token, token_type: 'bot', scope: 'commands,chat:write', bot_user_id: 'UBOT', app_id: 'A1', team: install.team, enterprise: null, authed_user: { id: 'UINSTALLER' } });
    }
    if (!token) return fail(res, 'not_authed');
    if (revokedTokens.has(token)) return fail(res, 'token_revoked');
    if (!validTokens.has(token)) return fail(res, 'invalid_auth');
    switch (method) {
      case 'auth.revoke':
        validTokens.delete(token);
        revokedTokens.add(token);
        return ok(res, { revoked: true });
      case 'chat.postMessage':
        if (!args.channel) return fail(res, 'channel_not_found');
        return ok(res, { channel: args.channel, ts: `${ts++}.000100`, message: { text: args.text } });
      case 'chat.postEphemeral':
        if (!args.channel || !args.user) return fail(res, 'user_not_in_channel');
        return ok(res, { message_ts: `${ts++}.000200` });
      case 'users.info':
        return ok(res, { user: { id: args.user, name: 'slack.user', real_name: 'Slack User', profile: { email: 'slack.user@example.test' } } });
      case 'conversations.list':
        return ok(res, {
          channels: [
            { id: 'C0FILES', name: 'files', is_channel: true, is_archived: false, is_member: true },
            { id: 'C0TASKS', name: 'tasks', is_channel: true, is_archived: false, is_member: true },
          ],
          response_metadata: { next_cursor: '' },
        });
      case 'files.info': {
        const file = files.get(String(args.file ?? ''));
        if (!file) return fail(res, 'file_not_found');
        const url = `${base}/files/${file.id}/download`;
        return ok(res, { file: { id: file.id, name: file.name, title: file.title ?? file.name, mimetype: file.mimetype, size: file.bytes.byteLength, url_private: url, url_private_download: url } });
      }
      default:
        return fail(res, 'unknown_method');
    }
  });
  base = server.url;

  return {
    url: server.url,
    apiBase: `${server.url}/api/`,
    calls,
    responses,
    installs,
    validTokens,
    revokedTokens,
    files,
    failNext,
    responseUrl: (id) => `${server.url}/response/${id}`,
    postsTo: (method) => calls.filter((c) => c.method === method),
    close: () => server.close(),
  };
}
