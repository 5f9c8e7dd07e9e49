import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { BackupError } from './errors';

/**
 * Archive file: MAGIC (8 bytes) | IV (12) | AES-256-GCM ciphertext | tag (16); MAGIC is the additional authenticated
 * data. The plaintext is gzip of newline-separated records, each a one-letter kind, a space and a payload:
 *   T {"name","columns"}   a table starts; R lines follow
 *   R <row_to_json text>   one row, exactly as PostgreSQL printed it (never parsed and re-printed, so numbers,
 *                          timestamps with microseconds and audit hashes come back byte for byte)
 *   S {"name","value","called"}  a sequence
 *   B {"key","sha256","size"}    a blob; the next line is D <base64 bytes>
 *   M {manifest}           last line
 * A reader only trusts the content once the tag has verified, i.e. after the last byte: restore reads the whole
 * archive once to verify it before it touches the target (lib/backup/restore.ts).
 */
const MAGIC = Buffer.from('RFXBAK1\n', 'utf8');
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type ArchiveRecord =
  | { kind: 'T'; value: unknown }
  | { kind: 'R'; text: string }
  | { kind: 'S'; value: unknown }
  | { kind: 'B'; value: unknown; data: Buffer }
  | { kind: 'M'; value: unknown };

export class ArchiveWriter {
  private readonly gzip = createGzip();
  private readonly done: Promise<void>;
  private failure: unknown;

  constructor(outPath: string, key: Buffer) {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(MAGIC);
    const frame = new Transform({
      transform: (chunk: Buffer, _enc, cb) => cb(null, chunk),
      // Runs once the cipher has ended, when its tag exists.
      flush: (cb) => cb(null, cipher.getAuthTag()),
    });
    frame.push(Buffer.concat([MAGIC, iv]));
    this.done = pipeline(this.gzip, cipher, frame, createWriteStream(outPath, { mode: 0o600 }));
    this.done.catch((err: unknown) => {
      this.failure = err;
    });
  }

  async write(kind: ArchiveRecord['kind'] | 'D', payload: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.gzip.write(`${kind} ${payload}\n`)) await Promise.race([once(this.gzip, 'drain'), this.done]);
  }

  async close(): Promise<void> {
    this.gzip.end();
    await this.done;
  }
}

const CORRUPT = 'the archive is corrupted, truncated, or was encrypted with a different key (check BACKUP_ENCRYPTION_KEY)';

// The records of an archive, as they decrypt. GCM checks the tag only after the last byte, so records stream out
// before they are proven authentic: read the whole archive (verifyArchive) before acting on any of it. A bad tag, a
// bad gzip stream or a malformed record throws a BackupError.
export async function* readArchive(filePath: string, key: Buffer): AsyncGenerator<ArchiveRecord> {
  const handle = await open(filePath, 'r');
  let header: Buffer;
  let tag: Buffer;
  let size: number;
  try {
    size = (await handle.stat()).size;
    if (size < MAGIC.length + IV_BYTES + TAG_BYTES) throw new BackupError(`${filePath}: ${CORRUPT}`);
    header = Buffer.alloc(MAGIC.length + IV_BYTES);
    await handle.read(header, 0, header.length, 0);
    tag = Buffer.alloc(TAG_BYTES);
    await handle.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    await handle.close();
  }
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw new BackupError(`${filePath} is not a Reflex backup archive`);
  const decipher = createDecipheriv('aes-256-gcm', key, header.subarray(MAGIC.length));
  decipher.setAAD(MAGIC);
  decipher.setAuthTag(tag);
  const lines = new PassThrough();
  const flowing = pipeline(createReadStream(filePath, { start: header.length, end: size - TAG_BYTES - 1 }), decipher, createGunzip(), lines);
  let failure: unknown;
  flowing.catch((err: unknown) => {
    failure = err;
    lines.destroy();
  });
  const reader = createInterface({ input: lines, crlfDelay: Infinity });
  let pendingBlob: unknown;
  try {
    for await (const line of reader) {
      const kind = line[0];
      const payload = line.slice(2);
      if (line[1] !== ' ') throw new BackupError(`${filePath}: ${CORRUPT}`);
      if (kind === 'R') yield { kind, text: payload };
      else if (kind === 'B') pendingBlob = JSON.parse(payload);
      else if (kind === 'D') {
        if (pendingBlob === undefined) throw new BackupError(`${filePath}: ${CORRUPT}`);
        yield { kind: 'B', value: pendingBlob, data: Buffer.from(payload, 'base64') };
        pendingBlob = undefined;
      } else if (kind === 'T' || kind === 'S' || kind === 'M') yield { kind, value: JSON.parse(payload) };
      else throw new BackupError(`${filePath}: ${CORRUPT}`);
    }
    await flowing;
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${filePath}: ${CORRUPT} (${failure instanceof Error ? failure.message : err instanceof Error ? err.message : String(err)})`);
  } finally {
    reader.close();
    // A reader that stopped early (a refusal mid-archive) must not leave the file stream open.
    lines.destroy();
  }
  if (failure) throw new BackupError(`${filePath}: ${CORRUPT}`);
}
