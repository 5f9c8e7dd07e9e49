import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

// Imported first: uploads go to a fresh temp dir that the erasure scan can walk, never to the repo's .data.
export const BLOB_DIR = mkdtempSync(path.join(tmpdir(), 'reflex-privacy-blobs-'));
process.env.BLOB_DIR = BLOB_DIR;
delete process.env.BLOB_READ_WRITE_TOKEN;
afterAll(() => rmSync(BLOB_DIR, { recursive: true, force: true }));
