import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { getEnv } from '@/lib/env';

// The embedded default when no SMTP_URL is set: each email is a JSON file in EMAIL_OUTBOX_DIR, listed newest first at
// /dev/mail. Files rather than a table, because an outbox holds working links and a database is copied into
// backups and exports; a developer's disk is not.
export const outboxEntrySchema = z.object({
  id: z.uuid(),
  createdAt: z.iso.datetime(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
});
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;

const outboxDir = () => path.resolve(getEnv().EMAIL_OUTBOX_DIR);
const FILE_RE = /^(\d{4}-\d\d-\d\dT[\d-]+Z)-([0-9a-f-]{36})\.json$/;

export async function writeToOutbox(mail: Omit<OutboxEntry, 'id' | 'createdAt'>): Promise<OutboxEntry> {
  const entry: OutboxEntry = { id: randomUUID(), createdAt: new Date().toISOString(), ...mail };
  const dir = outboxDir();
  await mkdir(dir, { recursive: true });
  // The timestamp leads the name (with ':' and '.' made file-safe), so names sort oldest to newest.
  const stamp = entry.createdAt.replace(/[:.]/g, '-');
  await writeFile(path.join(dir, `${stamp}-${entry.id}.json`), JSON.stringify(entry), { mode: 0o600 });
  return entry;
}

async function outboxFiles(): Promise<string[]> {
  try {
    return (await readdir(outboxDir())).filter((f) => FILE_RE.test(f)).sort().reverse();
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return [];
    throw err;
  }
}

async function readEntry(file: string): Promise<OutboxEntry | null> {
  const parsed = outboxEntrySchema.safeParse(JSON.parse(await readFile(path.join(outboxDir(), file), 'utf8')));
  return parsed.success ? parsed.data : null;
}

/** Newest first, optionally only those sent to `to`. */
export async function listOutbox(opts: { to?: string; limit?: number } = {}): Promise<OutboxEntry[]> {
  const out: OutboxEntry[] = [];
  const want = opts.to?.toLowerCase();
  for (const file of await outboxFiles()) {
    const entry = await readEntry(file);
    if (entry && (!want || entry.to.toLowerCase() === want)) out.push(entry);
    if (out.length >= (opts.limit ?? 50)) break;
  }
  return out;
}

export async function readOutbox(id: string): Promise<OutboxEntry | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const file = (await outboxFiles()).find((f) => f.endsWith(`-${id}.json`));
  return file ? readEntry(file) : null;
}
