import type { Readable } from 'node:stream';
import { getEnv } from '@/lib/env';
import { isUuid } from '@/lib/db/tenant';
import { createLocalBlobStore, createVercelBlobStore, type BlobStore } from './blob-store';

export type { BlobStore } from './blob-store';

let cached: { config: string; store: BlobStore } | undefined;

// Vercel Blob when BLOB_READ_WRITE_TOKEN is set, else files under BLOB_DIR (.data/blobs by default). Resolved per
// call so that tests (and scripts) can point BLOB_DIR at a temp dir before first use.
export function getBlobStore(): BlobStore {
  const env = getEnv();
  const config = env.BLOB_READ_WRITE_TOKEN ? `vercel:${env.BLOB_READ_WRITE_TOKEN}` : `local:${env.BLOB_DIR}`;
  if (cached?.config !== config) {
    cached = {
      config,
      store: env.BLOB_READ_WRITE_TOKEN ? createVercelBlobStore(env.BLOB_READ_WRITE_TOKEN) : createLocalBlobStore(env.BLOB_DIR),
    };
  }
  return cached.store;
}

function tenantPrefix(tenantId: string): string {
  if (!isUuid(tenantId)) throw new Error('blob keys need a tenant uuid');
  return `tenants/${tenantId.toLowerCase()}/`;
}

export function tenantBlobKey(tenantId: string, name: string): string {
  return `${tenantPrefix(tenantId)}${name}`;
}

// Every read and delete names the tenant it acts for: a key from another tenant is refused, not served.
function checkedKey(tenantId: string, key: string): string {
  if (!key.startsWith(tenantPrefix(tenantId))) throw new Error('blob key does not belong to this tenant');
  return key;
}

export async function putTenantBlob(tenantId: string, key: string, bytes: Uint8Array, contentType: string): Promise<void> {
  return getBlobStore().put(checkedKey(tenantId, key), bytes, contentType);
}

export async function putTenantBlobStream(tenantId: string, key: string, body: Readable, contentType: string): Promise<void> {
  return getBlobStore().putStream(checkedKey(tenantId, key), body, contentType);
}

export async function getTenantBlob(tenantId: string, key: string): Promise<Uint8Array | null> {
  return getBlobStore().get(checkedKey(tenantId, key));
}

export async function deleteTenantBlob(tenantId: string, key: string): Promise<void> {
  return getBlobStore().delete(checkedKey(tenantId, key));
}

/** Every blob key stored under the tenant's prefix, recorded in a row or not. */
export async function listTenantBlobs(tenantId: string): Promise<string[]> {
  return getBlobStore().list(tenantPrefix(tenantId));
}

/** Deletes everything stored under the tenant's prefix (the tenant is being erased); returns how many blobs. */
export async function deleteTenantBlobs(tenantId: string): Promise<number> {
  return getBlobStore().deletePrefix(tenantPrefix(tenantId));
}
