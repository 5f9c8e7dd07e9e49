import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson, startFakeServer, type RecordedRequest } from '@/tests/fakes/http-server';

// Google's OAuth 2.0 server and the Drive v3 API, speaking their wire format, for @googleapis/drive pointed here
// through rootUrl (GOOGLE_API_BASE) and the framework's OAuth through GOOGLE_OAUTH_BASE:
// GET /o/oauth2/v2/auth → 302 back with a code; POST /token (authorization_code with PKCE S256, refresh_token;
// invalid_grant once revoked); POST /revoke; /drive/v3/files (list with q and pageToken paging, get, alt=media,
// export), /drive/v3/changes (startPageToken, list, watch), /drive/v3/channels/stop. Errors in Google's JSON error
// shape; 401 for an expired or revoked access token; 429 with Retry-After on demand.

export const FOLDER = 'application/vnd.google-apps.folder';
export const GOOGLE_DOC = 'application/vnd.google-apps.document';
export const GOOGLE_SHEET = 'application/vnd.google-apps.spreadsheet';

export interface FakeFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  content: Buffer;
  // Overrides the size Drive reports (a huge file without sending its bytes).
  reportedSize: number | null;
  version: number;
  modifiedTime: string;
  trashed: boolean;
  // false: the connected account lost access (unshared): 404 everywhere, and a `removed` change.
  shared: boolean;
}

export interface FakeChannel {
  id: string;
  token: string;
  address: string;
  resourceId: string;
  expiration: number;
  stopped: boolean;
}

export interface DriveFake {
  url: string;
  clientId: string;
  clientSecret: string;
  account: { email: string; name: string };
  requests: RecordedRequest[];
  addFolder(name: string, parent?: string): string;
  addFile(file: { name: string; mimeType: string; parent: string; content?: string | Buffer; reportedSize?: number }): string;
  editFile(id: string, content: string | Buffer): void;
  trashFile(id: string): void;
  deleteFile(id: string): void;
  unshareFile(id: string): void;
  // The file stays listed, but downloading it answers 404 (access lost between listing and download).
  hideContent(id: string): void;
  channels(): FakeChannel[];
  expireAccessTokens(): void;
  revokeEverything(): void;
  rateLimitNextApiCalls(count: number, retryAfterSeconds: number): void;
  // Every Drive API call fails from now on (a stand-in for a crash mid-sync), until allowApiCalls().
  failApiCallsAfter(count: number): void;
  allowApiCalls(): void;
  apiCalls(path?: string): RecordedRequest[];
  close(): Promise<void>;
}

function googleError(res: ServerResponse, code: number, status: string, message: string, reason: string, headers: Record<string, string> = {}): void {
  sendJson(res, code, { error: { code, message, errors: [{ message, domain: 'global', reason }], status } }, headers);
}

const tokenOf = (prefix: string) => `${prefix}.${randomBytes(18).toString('base64url')}`;

function md5(content: Buffer): string {
  return createHash('md5').update(content).digest('hex');
}

function isGoogleType(mimeType: string): boolean {
  return mimeType.startsWith('application/vnd.google-apps.');
}

export async function startDriveFake(options: { email?: string } = {}): Promise<DriveFake> {
  const clientId = 'drive-fake-client.apps.googleusercontent.com';
  const clientSecret = 'drive-fake-secret';
  const account = { email: options.email ?? `admin-${randomBytes(3).toString('hex')}@example.test`, name: 'Drive Admin' };
  const files = new Map<string, FakeFile>();
  const hidden = new Set<string>();
  const changeLog: { fileId: string; time: string }[] = [];
  const codes = new Map<string, { redirectUri: string; challenge: string | null }>();
  const grants = new Map<string, { revoked: boolean }>();
  const accessTokens = new Map<string, { refreshToken: string; expired: boolean }>();
  const channels: FakeChannel[] = [];
  let rateLimited = 0;
  let retryAfter = 1;
  let failAfter: number | null = null;
  let clock = Date.parse('2026-12-01T00:00:00Z');
  const now = () => new Date((clock += 1000)).toISOString();
  const idOf = () => randomBytes(12).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x');

  function logChange(fileId: string) {
    changeLog.push({ fileId, time: now() });
  }

  function resource(f: FakeFile) {
    const size = f.reportedSize ?? (isGoogleType(f.mimeType) ? null : f.content.length);
    return {
      kind: 'drive#file',
      id: f.id,
      name: f.name,
      mimeType: f.mimeType,
      parents: f.parents,
      trashed: f.trashed,
      version: String(f.version),
      modifiedTime: f.modifiedTime,
      ...(size !== null ? { size: String(size) } : {}),
      ...(isGoogleType(f.mimeType) ? {} : { md5Checksum: md5(f.content) }),
    };
  }

  // Only the forms of `q` Reflex sends: "'<id>' in parents and trashed = false", and the folder picker's.
  function matches(q: string, f: FakeFile): boolean {
    if (!f.shared) return false;
    const parent = /^'([A-Za-z0-9_-]+)' in parents and trashed = false$/.exec(q);
    if (parent) return f.parents.includes(parent[1] ?? '') && !f.trashed;
    if (q === `mimeType='${FOLDER}' and trashed = false`) return f.mimeType === FOLDER && !f.trashed;
    throw new Error(`fake does not understand q=${q}`);
  }

  function page<T>(items: T[], pageToken: string | null, pageSize: number) {
    const start = pageToken ? Number(Buffer.from(pageToken, 'base64url').toString('utf8').replace('offset:', '')) : 0;
    const slice = items.slice(start, start + pageSize);
    const next = start + pageSize < items.length ? Buffer.from(`offset:${start + pageSize}`).toString('base64url') : null;
    return { slice, next };
  }

  function authorized(req: RecordedRequest, res: ServerResponse): boolean {
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const entry = bearer ? accessTokens.get(bearer) : undefined;
    if (!entry || entry.expired || grants.get(entry.refreshToken)?.revoked) {
      googleError(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.', 'authError', {
        'www-authenticate': 'Bearer realm="https://accounts.google.com/"',
      });
      return false;
    }
    return true;
  }

  function fileOr404(id: string, res: ServerResponse): FakeFile | null {
    const f = files.get(id);
    if (!f || !f.shared) {
      googleError(res, 404, 'NOT_FOUND', `File not found: ${id}.`, 'notFound');
      return null;
    }
    return f;
  }

  function issueAccess(refreshToken: string): string {
    const access = tokenOf('ya29');
    accessTokens.set(access, { refreshToken, expired: false });
    return access;
  }

  function idToken(): string {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    return `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ iss: 'https://accounts.google.com', sub: '1098', email: account.email, name: account.name })}.sig`;
  }

  const apiCounter = { n: 0 };

  const server = await startFakeServer((req, res, recorded) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;

    if (req.method === 'GET' && path === '/o/oauth2/v2/auth') {
      const code = tokenOf('4/0A');
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      codes.set(code, { redirectUri, challenge: url.searchParams.get('code_challenge') });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      res.end();
      return;
    }
    if (req.method === 'POST' && path === '/token') {
      const form = Object.fromEntries(new URLSearchParams(recorded.body.toString('utf8')));
      if (form.client_id !== clientId || form.client_secret !== clientSecret) return sendJson(res, 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
      if (form.grant_type === 'authorization_code') {
        const entry = codes.get(form.code ?? '');
        codes.delete(form.code ?? '');
        if (!entry || entry.redirectUri !== form.redirect_uri) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Bad Request' });
        if (entry.challenge && createHash('sha256').update(form.code_verifier ?? '').digest('base64url') !== entry.challenge) {
          return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid code verifier.' });
        }
        const refreshToken = tokenOf('1//0g');
        grants.set(refreshToken, { revoked: false });
        return sendJson(res, 200, {
          access_token: issueAccess(refreshToken),
          expires_in: 3599,
          refresh_token: refreshToken,
          scope: 'https://www.googleapis.com/auth/drive.readonly openid https://www.googleapis.com/auth/userinfo.email',
          token_type: 'Bearer',
          id_token: idToken(),
        });
      }
      if (form.grant_type === 'refresh_token') {
        const grant = grants.get(form.refresh_token ?? '');
        if (!grant || grant.revoked) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
        // Google does not rotate refresh tokens and leaves refresh_token out of a refresh response.
        return sendJson(res, 200, { access_token: issueAccess(form.refresh_token ?? ''), expires_in: 3599, scope: 'https://www.googleapis.com/auth/drive.readonly', token_type: 'Bearer' });
      }
      return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type' });
    }
    if (req.method === 'POST' && path === '/revoke') {
      const t = url.searchParams.get('token') ?? new URLSearchParams(recorded.body.toString('utf8')).get('token') ?? '';
      const grant = grants.get(t) ?? grants.get(accessTokens.get(t)?.refreshToken ?? '');
      if (!grant) return sendJson(res, 400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
      grant.revoked = true;
      return sendJson(res, 200, {});
    }

    if (!path.startsWith('/drive/v3/')) return googleError(res, 404, 'NOT_FOUND', 'Not Found', 'notFound');
    apiCounter.n++;
    if (failAfter !== null && apiCounter.n > failAfter) return googleError(res, 503, 'UNAVAILABLE', 'The service is currently unavailable.', 'backendError');
    if (!authorized(recorded, res)) return;
    if (rateLimited > 0) {
      rateLimited--;
      return googleError(res, 429, 'RESOURCE_EXHAUSTED', 'Rate Limit Exceeded', 'rateLimitExceeded', { 'retry-after': String(retryAfter) });
    }
    const rest = path.slice('/drive/v3/'.length);

    if (req.method === 'GET' && rest === 'files') {
      const q = url.searchParams.get('q') ?? '';
      const all = [...files.values()].filter((f) => matches(q, f));
      const { slice, next } = page(all, url.searchParams.get('pageToken'), Number(url.searchParams.get('pageSize') ?? '100'));
      return sendJson(res, 200, { kind: 'drive#fileList', incompleteSearch: false, files: slice.map(resource), ...(next ? { nextPageToken: next } : {}) });
    }
    const exportMatch = /^files\/([^/]+)\/export$/.exec(rest);
    if (req.method === 'GET' && exportMatch) {
      const f = fileOr404(exportMatch[1] ?? '', res);
      if (!f) return;
      if (hidden.has(f.id)) return googleError(res, 404, 'NOT_FOUND', `File not found: ${f.id}.`, 'notFound');
      const mime = url.searchParams.get('mimeType') ?? '';
      const allowed = f.mimeType === GOOGLE_DOC ? ['text/plain'] : f.mimeType === GOOGLE_SHEET ? ['text/csv'] : [];
      if (!allowed.includes(mime)) return googleError(res, 400, 'INVALID_ARGUMENT', 'The requested conversion is not supported.', 'badRequest');
      res.writeHead(200, { 'content-type': mime, 'content-length': f.content.length });
      res.end(f.content);
      return;
    }
    const getMatch = /^files\/([^/]+)$/.exec(rest);
    if (req.method === 'GET' && getMatch) {
      const f = fileOr404(getMatch[1] ?? '', res);
      if (!f) return;
      if (url.searchParams.get('alt') !== 'media') return sendJson(res, 200, resource(f));
      if (hidden.has(f.id)) return googleError(res, 404, 'NOT_FOUND', `File not found: ${f.id}.`, 'notFound');
      if (isGoogleType(f.mimeType)) return googleError(res, 403, 'PERMISSION_DENIED', 'Only files with binary content can be downloaded. Use Export with Docs Editors files.', 'fileNotDownloadable');
      res.writeHead(200, { 'content-type': f.mimeType, 'content-length': f.content.length });
      res.end(f.content);
      return;
    }
    if (req.method === 'GET' && rest === 'changes/startPageToken') return sendJson(res, 200, { kind: 'drive#startPageToken', startPageToken: String(changeLog.length + 1) });
    if (req.method === 'GET' && rest === 'changes') {
      const token = Number(url.searchParams.get('pageToken'));
      if (!Number.isInteger(token) || token < 1) return googleError(res, 400, 'INVALID_ARGUMENT', 'Invalid Value', 'invalid');
      const size = Number(url.searchParams.get('pageSize') ?? '100');
      const entries = changeLog.slice(token - 1, token - 1 + size);
      const end = token - 1 + entries.length;
      const changes = entries.map((c) => {
        const f = files.get(c.fileId);
        const removed = !f || !f.shared;
        return { kind: 'drive#change', changeType: 'file', fileId: c.fileId, time: c.time, removed, ...(removed || !f ? {} : { file: resource(f) }) };
      });
      const more = end < changeLog.length;
      return sendJson(res, 200, { kind: 'drive#changeList', changes, ...(more ? { nextPageToken: String(end + 1) } : { newStartPageToken: String(changeLog.length + 1) }) });
    }
    if (req.method === 'POST' && rest === 'changes/watch') {
      const body = (recorded.json ?? {}) as { id?: string; address?: string; token?: string; expiration?: string; type?: string };
      if (!body.id || body.type !== 'web_hook' || !body.address) return googleError(res, 400, 'INVALID_ARGUMENT', 'Invalid Value', 'invalid');
      const channel: FakeChannel = {
        id: body.id,
        token: body.token ?? '',
        address: body.address,
        resourceId: randomUUID(),
        expiration: Number(body.expiration ?? clock + 3_600_000),
        stopped: false,
      };
      channels.push(channel);
      return sendJson(res, 200, { kind: 'api#channel', id: channel.id, resourceId: channel.resourceId, resourceUri: `${server.url}/drive/v3/changes`, token: channel.token, expiration: String(channel.expiration) });
    }
    if (req.method === 'POST' && rest === 'channels/stop') {
      const body = (recorded.json ?? {}) as { id?: string; resourceId?: string };
      const channel = channels.find((c) => c.id === body.id && c.resourceId === body.resourceId);
      if (!channel) return googleError(res, 404, 'NOT_FOUND', `Channel '${body.id}' not found for project`, 'notFound');
      channel.stopped = true;
      res.writeHead(204);
      res.end();
      return;
    }
    googleError(res, 404, 'NOT_FOUND', 'Not Found', 'notFound');
  });

  function put(f: Omit<FakeFile, 'version' | 'modifiedTime' | 'trashed' | 'shared'>): string {
    files.set(f.id, { ...f, version: 1, modifiedTime: now(), trashed: false, shared: true });
    logChange(f.id);
    return f.id;
  }

  function must(id: string): FakeFile {
    const f = files.get(id);
    if (!f) throw new Error(`no fake file ${id}`);
    return f;
  }

  return {
    url: server.url,
    clientId,
    clientSecret,
    account,
    requests: server.requests,
    addFolder: (name, parent) => put({ id: idOf(), name, mimeType: FOLDER, parents: parent ? [parent] : ['root'], content: Buffer.alloc(0), reportedSize: null }),
    addFile: (f) =>
      put({
        id: idOf(),
        name: f.name,
        mimeType: f.mimeType,
        parents: [f.parent],
        content: Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content ?? '', 'utf8'),
        reportedSize: f.reportedSize ?? null,
      }),
    editFile: (id, content) => {
      const f = must(id);
      f.content = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
      f.version++;
      f.modifiedTime = now();
      logChange(id);
    },
    trashFile: (id) => {
      must(id).trashed = true;
      must(id).version++;
      logChange(id);
    },
    deleteFile: (id) => {
      files.delete(id);
      logChange(id);
    },
    unshareFile: (id) => {
      must(id).shared = false;
      logChange(id);
    },
    hideContent: (id) => {
      hidden.add(id);
    },
    channels: () => channels,
    expireAccessTokens: () => {
      for (const entry of accessTokens.values()) entry.expired = true;
    },
    revokeEverything: () => {
      for (const grant of grants.values()) grant.revoked = true;
    },
    rateLimitNextApiCalls: (count, seconds) => {
      rateLimited = count;
      retryAfter = seconds;
    },
    failApiCallsAfter: (count) => {
      failAfter = apiCounter.n + count;
    },
    allowApiCalls: () => {
      failAfter = null;
    },
    apiCalls: (p) => server.requests.filter((r) => r.path.startsWith('/drive/v3/') && (!p || r.path === p)),
    close: () => server.close(),
  };
}
