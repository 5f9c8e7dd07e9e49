import { sendJson, startFakeServer, type FakeServer } from './http-server';

// The Vercel Blob API as @vercel/blob speaks it (VERCEL_BLOB_API_URL points the SDK here): PUT /?pathname= stores,
// GET /?prefix=&limit=&cursor= lists in pages, POST /delete {urls} deletes by URL or pathname. Pages are small so
// that callers must follow the cursor.
export const FAKE_BLOB_TOKEN = 'vercel_blob_rw_fakestore_0123456789abcdef';
const PAGE = 2;

export interface FakeBlobApi extends FakeServer {
  pathnames(): string[];
}

export async function startFakeBlobApi(): Promise<FakeBlobApi> {
  const stored = new Map<string, number>();
  const urlOf = (pathname: string) => `https://fakestore.private.blob.vercel-storage.com/${pathname}`;
  const server = await startFakeServer((req, res, recorded) => {
    if (req.headers.authorization !== `Bearer ${FAKE_BLOB_TOKEN}`) return sendJson(res, 403, { error: { code: 'forbidden', message: 'bad token' } });
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'PUT') {
      const pathname = url.searchParams.get('pathname') ?? '';
      stored.set(pathname, recorded.body.length);
      return sendJson(res, 200, { url: urlOf(pathname), downloadUrl: urlOf(pathname), pathname, contentType: 'application/octet-stream', contentDisposition: 'attachment', etag: '"1"' });
    }
    if (req.method === 'GET' && url.pathname === '/') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const limit = Math.min(Number(url.searchParams.get('limit') ?? PAGE), PAGE);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const matching = [...stored.keys()].filter((p) => p.startsWith(prefix)).sort();
      const page = matching.slice(start, start + limit);
      const hasMore = start + limit < matching.length;
      return sendJson(res, 200, {
        blobs: page.map((pathname) => ({ url: urlOf(pathname), downloadUrl: urlOf(pathname), pathname, size: stored.get(pathname), uploadedAt: new Date(0).toISOString(), etag: '"1"' })),
        cursor: hasMore ? String(start + limit) : undefined,
        hasMore,
      });
    }
    if (req.method === 'POST' && url.pathname === '/delete') {
      const urls = (recorded.json as { urls?: string[] } | undefined)?.urls ?? [];
      for (const u of urls) stored.delete(u.startsWith('https://') ? new URL(u).pathname.slice(1) : u);
      return sendJson(res, 200, {});
    }
    return sendJson(res, 404, { error: { code: 'not_found', message: `${req.method} ${url.pathname}` } });
  });
  return { ...server, pathnames: () => [...stored.keys()].sort() };
}
