import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { del, get, list, put } from '@vercel/blob';

// Storage of original uploads. Keys are relative paths; lib/storage/index.ts namespaces them by tenant.
export interface BlobStore {
  readonly kind: 'local' | 'vercel';
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  // Stores a stream as it arrives (uploads), never holding it whole; nothing is left behind if the stream fails.
  putStream(key: string, body: Readable, contentType: string): Promise<void>;
  // null when the blob does not exist.
  get(key: string): Promise<Uint8Array | null>;
  // Deleting a missing blob is not an error: delete is retried after partial failures.
  delete(key: string): Promise<void>;
  // Every key under a folder prefix ("tenants/<id>/"), in no particular order.
  list(prefix: string): Promise<string[]>;
  // Deletes every blob under a folder prefix, whatever row did or did not record it; returns how many there were.
  deletePrefix(prefix: string): Promise<number>;
}

const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

// Keys become file paths on the local store: refuse anything that could leave the root.
export function assertValidKey(key: string): void {
  if (!KEY_RE.test(key) || key.split('/').some((part) => part === '.' || part === '..') || key.length > 512) {
    throw new Error(`invalid blob key: ${JSON.stringify(key)}`);
  }
}

// A prefix names a folder: a valid key followed by "/", so "tenants/a/" can never match "tenants/ab/…".
export function assertValidPrefix(prefix: string): void {
  if (!prefix.endsWith('/')) throw new Error(`invalid blob prefix (must end with "/"): ${JSON.stringify(prefix)}`);
  assertValidKey(prefix.slice(0, -1));
}

function isMissing(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}

export function createLocalBlobStore(root: string): BlobStore {
  const absolute = path.resolve(root);
  const fileFor = (key: string) => {
    assertValidKey(key);
    return path.join(absolute, ...key.split('/'));
  };
  // Keys of every file below `dir`, named from `prefix`.
  const walk = async (dir: string, prefix: string): Promise<string[]> => {
    const entries = await readdir(dir, { withFileTypes: true });
    const nested = await Promise.all(
      entries.map((e) => (e.isDirectory() ? walk(path.join(dir, e.name), `${prefix}${e.name}/`) : Promise.resolve(e.isFile() ? [`${prefix}${e.name}`] : []))),
    );
    return nested.flat();
  };
  const listUnder = async (prefix: string): Promise<string[]> => {
    assertValidPrefix(prefix);
    try {
      return await walk(fileFor(prefix.slice(0, -1)), prefix);
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
  };
  return {
    kind: 'local',
    async put(key, bytes) {
      const file = fileFor(key);
      await mkdir(path.dirname(file), { recursive: true });
      // Write then rename, so a reader never sees half a file after a crash.
      const temp = `${file}.${randomUUID()}.tmp`;
      await writeFile(temp, bytes);
      await rename(temp, file);
    },
    async putStream(key, body) {
      const file = fileFor(key);
      await mkdir(path.dirname(file), { recursive: true });
      const temp = `${file}.${randomUUID()}.tmp`;
      try {
        await pipeline(body, createWriteStream(temp));
        await rename(temp, file);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(fileFor(key)));
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
    async delete(key) {
      await rm(fileFor(key), { force: true });
    },
    list: listUnder,
    async deletePrefix(prefix) {
      const keys = await listUnder(prefix);
      // The whole folder goes, including a half-written temp file of a put that crashed.
      await rm(fileFor(prefix.slice(0, -1)), { recursive: true, force: true });
      return keys.length;
    },
  };
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const VERCEL_DELETE_BATCH = 500;

// Private blobs: uploads are tenant data and must never be reachable by URL alone.
export function createVercelBlobStore(token: string): BlobStore {
  return {
    kind: 'vercel',
    async put(key, bytes, contentType) {
      assertValidKey(key);
      await put(key, Buffer.from(bytes), { access: 'private', addRandomSuffix: false, allowOverwrite: true, contentType, token });
    },
    async putStream(key, body, contentType) {
      assertValidKey(key);
      await put(key, body, { access: 'private', addRandomSuffix: false, allowOverwrite: true, contentType, token, multipart: true });
    },
    async get(key) {
      assertValidKey(key);
      const found = await get(key, { access: 'private', token, useCache: false });
      if (found === null || found.statusCode !== 200) return null;
      return readStream(found.stream);
    },
    async delete(key) {
      assertValidKey(key);
      await del(key, { token });
    },
    async list(prefix) {
      assertValidPrefix(prefix);
      const keys: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await list({ prefix, cursor, token });
        keys.push(...page.blobs.map((b) => b.pathname));
        cursor = page.hasMore ? page.cursor : undefined;
      } while (cursor);
      return keys;
    },
    async deletePrefix(prefix) {
      assertValidPrefix(prefix);
      // List a page, delete it, list again from the start: deleting while following a cursor could skip blobs.
      let deleted = 0;
      for (;;) {
        const page = await list({ prefix, limit: VERCEL_DELETE_BATCH, token });
        if (page.blobs.length === 0) return deleted;
        await del(page.blobs.map((b) => b.pathname), { token });
        deleted += page.blobs.length;
      }
    },
  };
}
