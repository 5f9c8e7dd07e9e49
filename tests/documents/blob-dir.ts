import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

// Imported first by every documents test: uploads go to a fresh temp dir, never to the repo's .data/blobs.
// Registered first, its afterAll runs last (hooks unwind like a stack), after the runner has stopped.
export const BLOB_DIR = mkdtempSync(path.join(tmpdir(), 'reflex-blobs-'));
process.env.BLOB_DIR = BLOB_DIR;
delete process.env.BLOB_READ_WRITE_TOKEN;
afterAll(() => rmSync(BLOB_DIR, { recursive: true, force: true }));
