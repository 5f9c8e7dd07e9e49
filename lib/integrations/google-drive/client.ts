import { drive, type drive_v3 } from '@googleapis/drive';
import { parseRetryAfter, ProviderRetryLater, ProviderUnauthorized } from '../http';
import { googleApiRoot } from './config';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';
const FILE_FIELDS = 'id,name,mimeType,size,version,md5Checksum,modifiedTime,parents,trashed';
const PAGE_SIZE = 100;
// Retry-After when Google sends a 429/5xx without one.
const DEFAULT_RETRY_SECONDS = 30;
const DRIVE_ID = /^[A-Za-z0-9_-]{1,200}$/;

export interface DriveFile {
  id: string;
  name: string;
  mimeType: string;
  size: number | null;
  version: string | null;
  md5Checksum: string | null;
  modifiedTime: string | null;
  parents: string[];
  trashed: boolean;
}

export interface DriveChange {
  fileId: string;
  removed: boolean;
  file: DriveFile | null;
}

// A Drive answer that is not a temporary failure: 404 (gone or no longer shared with the account), 403, 400, 401.
export class DriveApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// gaxios hands over fetch Headers (possibly another realm's, so not `instanceof` ours), or a plain record.
function retryAfterSeconds(headers: unknown): number {
  let value: string | null = null;
  if (headers && typeof headers === 'object' && 'get' in headers && typeof headers.get === 'function') {
    const got: unknown = headers.get('retry-after');
    value = typeof got === 'string' ? got : null;
  } else if (headers && typeof headers === 'object' && 'retry-after' in headers && typeof headers['retry-after'] === 'string') value = headers['retry-after'];
  return parseRetryAfter(value, DEFAULT_RETRY_SECONDS);
}

// Google's JSON error shape: { error: { code, message, errors: [{ reason }] } }.
function googleMessage(data: unknown, fallback: string): string {
  if (data && typeof data === 'object' && 'error' in data) {
    const error = data.error;
    if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string') return error.message;
  }
  return fallback;
}

interface HttpFailure {
  status: number;
  message: string;
  response?: { data?: unknown; headers?: unknown };
}

// The SDK (gaxios, a transitive dependency we do not import) throws errors carrying the HTTP response; a network
// failure has no response, and is as temporary as a 503.
function httpFailure(err: unknown): HttpFailure | null {
  if (!(err instanceof Error) || !('response' in err || 'status' in err)) return null;
  const response = 'response' in err && err.response && typeof err.response === 'object' ? err.response : undefined;
  const fromResponse = response && 'status' in response && typeof response.status === 'number' ? response.status : undefined;
  const status = 'status' in err && typeof err.status === 'number' ? err.status : (fromResponse ?? 0);
  return {
    status,
    message: err.message,
    response: response ? { data: 'data' in response ? response.data : undefined, headers: 'headers' in response ? response.headers : undefined } : undefined,
  };
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const http = httpFailure(err);
    if (!http) throw err;
    const { status, response } = http;
    const message = `Google Drive ${what}: ${googleMessage(response?.data, http.message)}`;
    if (status === 429 || status >= 500 || status === 0) throw new ProviderRetryLater(retryAfterSeconds(response?.headers), message);
    // withAccessToken refreshes the token once and calls again.
    if (status === 401) throw new ProviderUnauthorized('google_drive', message);
    throw new DriveApiError(status, message);
  }
}

function toFile(f: drive_v3.Schema$File): DriveFile | null {
  if (!f.id || !f.name || !f.mimeType) return null;
  return {
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    size: f.size ? Number(f.size) : null,
    version: f.version ?? null,
    md5Checksum: f.md5Checksum ?? null,
    modifiedTime: f.modifiedTime ?? null,
    parents: f.parents ?? [],
    trashed: f.trashed ?? false,
  };
}

function files(list: drive_v3.Schema$File[] | undefined): DriveFile[] {
  return (list ?? []).map(toFile).filter((f): f is DriveFile => f !== null);
}

// Drive ids go into a query string (`'<id>' in parents`): only ever the characters Drive uses.
export function assertDriveId(id: string): string {
  if (!DRIVE_ID.test(id)) throw new DriveApiError(400, 'Not a Google Drive id');
  return id;
}

export class DriveClient {
  private readonly api: drive_v3.Drive;

  constructor(accessToken: string) {
    // The SDK's own retries are off: a 429/5xx becomes ProviderRetryLater and the sync job waits as told.
    this.api = drive({ version: 'v3', rootUrl: googleApiRoot(), headers: { authorization: `Bearer ${accessToken}` }, retry: false });
  }

  async listChildren(folderId: string, pageToken: string | null): Promise<{ files: DriveFile[]; nextPageToken: string | null }> {
    const res = await call('files.list', () =>
      this.api.files.list({
        q: `'${assertDriveId(folderId)}' in parents and trashed = false`,
        fields: `nextPageToken,files(${FILE_FIELDS})`,
        pageSize: PAGE_SIZE,
        supportsAllDrives: true,
        includeItemsFromAllDrives: true,
        ...(pageToken ? { pageToken } : {}),
      }),
    );
    return { files: files(res.data.files), nextPageToken: res.data.nextPageToken ?? null };
  }

  async listFolders(pageToken: string | null): Promise<{ folders: DriveFile[]; nextPageToken: string | null }> {
    const res = await call('files.list', () =>
      this.api.files.list({
        q: `mimeType='${FOLDER_MIME}' and trashed = false`,
        fields: `nextPageToken,files(${FILE_FIELDS})`,
        orderBy: 'name',
        pageSize: PAGE_SIZE,
        supportsAllDrives: true,
        includeItemsFromAllDrives: true,
        ...(pageToken ? { pageToken } : {}),
      }),
    );
    return { folders: files(res.data.files), nextPageToken: res.data.nextPageToken ?? null };
  }

  async getFile(fileId: string): Promise<DriveFile | null> {
    const res = await call('files.get', () => this.api.files.get({ fileId: assertDriveId(fileId), fields: FILE_FIELDS, supportsAllDrives: true }));
    return toFile(res.data);
  }

  async download(fileId: string): Promise<Uint8Array> {
    const res = await call('files.get', () =>
      this.api.files.get({ fileId: assertDriveId(fileId), alt: 'media', supportsAllDrives: true }, { responseType: 'arraybuffer' }),
    );
    return bytesOf(res.data);
  }

  async export(fileId: string, mimeType: string): Promise<Uint8Array> {
    const res = await call('files.export', () => this.api.files.export({ fileId: assertDriveId(fileId), mimeType }, { responseType: 'arraybuffer' }));
    return bytesOf(res.data);
  }

  async getStartPageToken(): Promise<string> {
    const res = await call('changes.getStartPageToken', () => this.api.changes.getStartPageToken({ supportsAllDrives: true }));
    if (!res.data.startPageToken) throw new DriveApiError(502, 'Google Drive changes.getStartPageToken: no token in the answer');
    return res.data.startPageToken;
  }

  async listChanges(pageToken: string): Promise<{ changes: DriveChange[]; nextPageToken: string | null; newStartPageToken: string | null }> {
    const res = await call('changes.list', () =>
      this.api.changes.list({
        pageToken,
        fields: `nextPageToken,newStartPageToken,changes(fileId,removed,file(${FILE_FIELDS}))`,
        pageSize: PAGE_SIZE,
        includeRemoved: true,
        supportsAllDrives: true,
        includeItemsFromAllDrives: true,
      }),
    );
    const changes: DriveChange[] = [];
    for (const c of res.data.changes ?? []) {
      if (!c.fileId) continue;
      changes.push({ fileId: c.fileId, removed: c.removed ?? false, file: c.file ? toFile(c.file) : null });
    }
    return { changes, nextPageToken: res.data.nextPageToken ?? null, newStartPageToken: res.data.newStartPageToken ?? null };
  }

  async watchChanges(pageToken: string, channel: { id: string; token: string; address: string; expiration: Date }): Promise<{ resourceId: string; expiration: Date }> {
    const res = await call('changes.watch', () =>
      this.api.changes.watch({
        pageToken,
        supportsAllDrives: true,
        includeItemsFromAllDrives: true,
        requestBody: { id: channel.id, type: 'web_hook', address: channel.address, token: channel.token, expiration: String(channel.expiration.getTime()) },
      }),
    );
    const expiration = res.data.expiration ? new Date(Number(res.data.expiration)) : channel.expiration;
    return { resourceId: res.data.resourceId ?? '', expiration };
  }

  async stopChannel(channelId: string, resourceId: string): Promise<void> {
    await call('channels.stop', () => this.api.channels.stop({ requestBody: { id: channelId, resourceId } }));
  }
}

function bytesOf(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (typeof data === 'string') return new TextEncoder().encode(data);
  throw new DriveApiError(502, 'Google Drive sent a body that is not bytes');
}
