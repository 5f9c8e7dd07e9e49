import './blob-dir';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as documentsRoute from '@/app/api/v1/documents/route';
import { startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { UPLOAD_LIMITS } from '@/lib/documents/limits';
import { provisionTenant } from '@/lib/tenancy/provision';
import { closeOwnerDb, ownerRows } from '../helpers/db';
import { call, provision, uniqueEmail } from '../helpers/http';
import { makeDeeplyCorruptPdf, makeMp3, makePdf, makePng, makeWav } from '../fixtures/documents/files';
import { multipartBody, settle, storedOriginals, uploadFile, uploadText } from './helpers';

let as: { apiKey: string };
let tenantId: string;

beforeAll(async () => {
  await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50 });
  const t = await provision();
  as = { apiKey: t.apiKey };
  tenantId = t.tenantId;
});

afterAll(async () => {
  await stopLocalRunner();
  await closeOwnerDb();
});

const countDocs = async () => (await ownerRows<{ n: number }>(sql`select count(*)::int as n from documents where tenant_id = ${tenantId}`))[0]?.n;

const blobFiles = () => storedOriginals(tenantId);

describe('bad uploads get a clear 4xx and store nothing', () => {
  it.each([
    ['an empty file', { bytes: new Uint8Array(), name: 'empty.txt', type: 'text/plain' }, 422, /empty/],
    ['a PNG', { bytes: makePng(), name: 'photo.png', type: 'image/png' }, 415, /cannot read this kind of file/],
    ['a PNG renamed to .txt', { bytes: makePng(), name: 'notes.txt', type: 'text/plain' }, 415, /cannot read this kind of file/],
    ['text claiming to be audio', { bytes: new TextEncoder().encode('hello'), name: 'a.mp3', type: 'audio/mpeg' }, 415, /named like audio but is not/],
    ['MP3 bytes declared as an image', { bytes: makeMp3(), name: 'x.png', type: 'image/png' }, 415, /is audio/],
    ['a PDF missing its %%EOF trailer', { bytes: makePdf(['x']).slice(0, 200), name: 'cut.pdf', type: 'application/pdf' }, 422, /incomplete or corrupt/],
    ['a .pdf without a %PDF header', { bytes: new TextEncoder().encode('not a pdf at all'), name: 'fake.pdf', type: 'application/pdf' }, 422, /named like a PDF but is not one/],
  ])('refuses %s', async (_label, file, status, message) => {
    const before = await countDocs();
    const res = await uploadFile(as, file);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
    expect(await countDocs()).toBe(before);
  });

  it('refuses a multipart body without a file field, and a file sent as text', async () => {
    expect((await uploadFile(as, null, { title: 'x' })).status).toBe(422);
    const { bytes, contentType } = await multipartBody(null, { file: 'just text' });
    const res = await call(documentsRoute.POST, { method: 'POST', path: '/api/v1/documents', rawBody: bytes, headers: { 'content-type': contentType }, as });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/must be a file/);
  });

  it('refuses empty JSON text, unknown fields and other content types', async () => {
    expect((await uploadText(as, '   ')).status).toBe(422);
    const extra = await call(documentsRoute.POST, { method: 'POST', path: '/api/v1/documents', body: { text: 'x', evil: 1 }, as });
    expect(extra.status).toBe(422);
    const plain = await call(documentsRoute.POST, {
      method: 'POST',
      path: '/api/v1/documents',
      rawBody: 'hello',
      headers: { 'content-type': 'text/plain' },
      as,
    });
    expect(plain.status).toBe(415);
    const broken = await call(documentsRoute.POST, {
      method: 'POST',
      path: '/api/v1/documents',
      rawBody: '{"text": ',
      headers: { 'content-type': 'application/json' },
      as,
    });
    expect(broken.status).toBe(400);
  });

  it('refuses JSON text over 2 MB', async () => {
    const res = await uploadText(as, 'a'.repeat(2 * 1024 * 1024 + 10));
    expect(res.status).toBe(413);
  });

  it("refuses a file over the plan's limit, also when the body is streamed without Content-Length", async () => {
    const big = makeWav(UPLOAD_LIMITS.standard / 2);
    expect(big.byteLength).toBeGreaterThan(UPLOAD_LIMITS.standard);
    const declared = await uploadFile(as, { bytes: big, name: 'big.wav', type: 'audio/wav' });
    expect(declared.status).toBe(413);
    expect(declared.body.error.message).toMatch(/larger than 10 MB, the largest upload your plan allows/);

    // Bigger than the file limit plus the envelope allowance, so the stream itself must be cut off.
    const bigger = makeWav((UPLOAD_LIMITS.standard + 512 * 1024) / 2);
    const { bytes, contentType } = await multipartBody({ bytes: bigger, name: 'big.wav', type: 'audio/wav' });
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const piece = bytes.subarray(pulled, pulled + 64 * 1024);
        pulled += piece.byteLength;
        if (piece.byteLength === 0) controller.close();
        else controller.enqueue(piece);
      },
    });
    const streamed = await call(documentsRoute.POST, {
      method: 'POST',
      path: '/api/v1/documents',
      rawBody: stream,
      headers: { 'content-type': contentType },
      as,
    });
    expect(streamed.status).toBe(413);
    // Reading stopped at the limit, not at the end of the body.
    expect(pulled).toBeLessThan(bytes.byteLength);
    expect(blobFiles()).toEqual([]);
  });

  it('lets a professional plan upload more than the standard limit', async () => {
    const pro = await provisionTenant({ name: `Pro ${randomUUID().slice(0, 6)}`, ownerEmail: uniqueEmail('pro'), plan: 'professional', ownerPassword: 'correct horse battery' });
    const wav = makeWav(UPLOAD_LIMITS.standard / 2 + 1000);
    const res = await uploadFile({ apiKey: pro.apiKey.secret }, { bytes: wav, name: 'long-call.wav', type: 'audio/wav' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'audio', mime: 'audio/wav', sizeBytes: wav.byteLength });
  });

  it('needs documents:write to upload and documents:read to list', async () => {
    const key = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: 'reader', scopes: ['documents:read'] }, as });
    expect(key.status).toBe(201);
    const reader = { apiKey: key.body.secret };
    expect((await uploadText(reader, 'hello there')).status).toBe(403);
    expect((await call(documentsRoute.GET, { path: '/api/v1/documents', as: reader })).status).toBe(200);
    const tasksOnly = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: 'tasks', scopes: ['tasks:read'] }, as });
    expect((await call(documentsRoute.GET, { path: '/api/v1/documents', as: { apiKey: tasksOnly.body.secret } })).status).toBe(403);
  });
});

describe('duplicates', () => {
  it('answers 409 with the existing document id for the same text, and stores nothing new', async () => {
    const first = await uploadText(as, 'Exactly the same words, twice.', 'One');
    expect(first.status).toBe(202);
    const before = await countDocs();
    const second = await uploadText(as, 'Exactly the same words, twice.', 'Two');
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'conflict', details: { documentId: first.body.id } });
    expect(await countDocs()).toBe(before);
  });

  it('detects a duplicate file by content, whatever its name or title', async () => {
    const pdf = makePdf(['Same content', 'different name']);
    const first = await uploadFile(as, { bytes: pdf, name: 'a.pdf', type: 'application/pdf' });
    expect(first.status).toBe(202);
    const files = blobFiles().length;
    const second = await uploadFile(as, { bytes: pdf, name: 'b.pdf' }, { title: 'Another title' });
    expect(second.status).toBe(409);
    expect(second.body.error.details.documentId).toBe(first.body.id);
    expect(blobFiles().length).toBe(files);
  });
});

describe('deep corruption', () => {
  it('passes the upload check, then fails the extract step with a clear error', async () => {
    const res = await uploadFile(as, { bytes: makeDeeplyCorruptPdf(), name: 'broken.pdf', type: 'application/pdf' });
    expect(res.status).toBe(202);
    const doc = await settle(as, res.body.id);
    expect(doc.status).toBe('failed');
    expect(doc.error).toMatch(/^extract: The PDF could not be read/);
    expect(doc.steps).toEqual([expect.objectContaining({ step: 'extract', status: 'failed', attempts: 1 })]);
  });
});
