// `npm run backup -- [--out FILE]`: a consistent, compressed, encrypted archive of the database (as its owner:
// DATABASE_OWNER_URL, else DATABASE_URL, else the embedded PGlite directory) and the blob store. Without --out it
// goes to the backup store (Vercel Blob under backups/ with BLOB_READ_WRITE_TOKEN, else BACKUP_DIR) and backups
// older than BACKUP_KEEP_DAYS are pruned. Prints a JSON summary (size, duration, rows, blobs).
import { parseArgs } from 'node:util';
import { BackupError } from '@/lib/backup/errors';
import { runBackup } from '@/lib/backup/run';
import { closeDb } from '@/lib/db/client';
import { parseEnv } from '@/lib/env';

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { out: { type: 'string' } } });
  const summary = await runBackup(parseEnv(process.env), { outPath: values.out });
  console.log(JSON.stringify(summary, null, 2));
}

main()
  .then(() => closeDb())
  .catch(async (err: unknown) => {
    console.error(`backup failed: ${err instanceof BackupError || err instanceof Error ? err.message : String(err)}`);
    await closeDb().catch(() => undefined);
    process.exit(1);
  });
