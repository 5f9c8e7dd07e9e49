import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import * as documentsRoute from '@/app/api/v1/documents/route';
import * as documentRoute from '@/app/api/v1/documents/[id]/route';
import { drainLocalRunner, listRuns, waitForRun } from '@/inngest/local';
import type { RunStatus } from '@/lib/db/schema';
import { call, type Identity } from '../helpers/http';
import { BLOB_DIR } from './blob-dir';

export interface FilePart {
  bytes: Uint8Array;
  name: string;
  type?: string;
}

// Serializes a FormData the way a browser would, so the route reads a real multipart body with a boundary.
export async function multipartBody(file: FilePart | null, fields: Record<string, string> = {}) {
  const form = new FormData();
  if (file) form.set('file', new Blob([Buffer.from(file.bytes)], { type: file.type ?? '' }), file.name);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const req = new Request('http://localhost/', { method: 'POST', body: form });
  return { bytes: new Uint8Array(await req.arrayBuffer()), contentType: req.headers.get('content-type') ?? '' };
}

export async function uploadFile(as: Identity, file: FilePart | null, fields: Record<string, string> = {}) {
  const { bytes, contentType } = await multipartBody(file, fields);
  return call(documentsRoute.POST, {
    method: 'POST',
    path: '/api/v1/documents',
    rawBody: bytes,
    headers: { 'content-type': contentType },
    as,
  });
}

// Document ids whose original file is in the local blob store (a refused upload may leave an empty folder, never a file).
export function storedOriginals(tenantId: string): string[] {
  const root = path.join(BLOB_DIR, 'tenants', tenantId, 'documents');
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((id) => existsSync(path.join(root, id, 'original')));
}

export function uploadText(as: Identity, text: string, title?: string) {
  return call(documentsRoute.POST, { method: 'POST', path: '/api/v1/documents', body: title ? { title, text } : { text }, as });
}

export function getDocument(as: Identity, id: string) {
  return call(documentRoute.GET, { path: `/api/v1/documents/${id}`, params: { id }, as });
}

const UNFINISHED: RunStatus[] = ['queued', 'running', 'retrying', 'sleeping', 'waiting'];

// Lets the real local runner finish every run for this document (drain alone returns while a run waits out a
// retry backoff).
export async function finishRuns(id: string) {
  for (;;) {
    await drainLocalRunner(60_000);
    const open = [
      ...(await listRuns({ functionId: 'process-document', eventData: { documentId: id }, status: UNFINISHED })),
      // onFailure runs as its own function, on the inngest/function.failed event that wraps the original one.
      ...(await listRuns({ functionId: 'process-document-failure', status: UNFINISHED })),
    ];
    if (open.length === 0) return;
    for (const run of open) await waitForRun(run.id, 60_000);
  }
}

// finishRuns, then the document as the API shows it.
export async function settle(as: Identity, id: string) {
  await finishRuns(id);
  const res = await getDocument(as, id);
  expect(res.status).toBe(200);
  return res.body;
}

export function blobExists(key: string): boolean {
  return existsSync(path.join(BLOB_DIR, ...key.split('/')));
}
