import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { del, get, put } from '@vercel/blob';

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
}

const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

// Keys become file paths on the local store: refuse anything that could leave the root.
export function assertValidKey(key: string): void {
  if (!KEY_RE.test(key) || key.split('/').some((part) => part === '.' || part === '..') || key.length > 512) {
    throw new Error(`invalid blob key: ${JSON.stringify(key)}`);
  }
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
  };
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

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
  };
}
