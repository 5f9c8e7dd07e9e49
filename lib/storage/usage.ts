import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { list } from '@vercel/blob';
import { getEnv } from '@/lib/env';

async function localBytes(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return 0;
    throw err;
  }
  const sizes = await Promise.all(
    entries.map(async (e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return localBytes(full);
      return e.isFile() ? (await stat(full)).size : 0;
    }),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

// Vercel Blob is listed at most this often: a full listing is one request per 1,000 blobs, and capacity moves
// slowly.
export const VERCEL_BLOB_MEASURE_EVERY_MS = 60 * 60_000;
const holder = globalThis as typeof globalThis & { __reflexBlobBytes?: { at: number; bytes: number } };

// Bytes held by the blob store, every tenant together: the capacity check compares it with CAPACITY_BLOB_MB.
export async function measureBlobBytes(now = Date.now()): Promise<number> {
  const env = getEnv();
  if (!env.BLOB_READ_WRITE_TOKEN) return localBytes(path.resolve(env.BLOB_DIR));
  const cached = holder.__reflexBlobBytes;
  if (cached && now >= cached.at && now - cached.at < VERCEL_BLOB_MEASURE_EVERY_MS) return cached.bytes;
  const bytes = await listVercelBytes(env.BLOB_READ_WRITE_TOKEN);
  holder.__reflexBlobBytes = { at: now, bytes };
  return bytes;
}

async function listVercelBytes(token: string): Promise<number> {
  let total = 0;
  let cursor: string | undefined;
  do {
    const page = await list({ cursor, limit: 1_000, token });
    for (const b of page.blobs) total += b.size;
    cursor = page.hasMore ? page.cursor : undefined;
  } while (cursor);
  return total;
}
