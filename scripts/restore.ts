// `npm run restore -- --from FILE|NAME|latest [--target URL] [--force] [--tenant ID] [--blob-dir DIR]`
//   --from      an archive file, or the name of one in the backup store (`latest`: the newest there)
//   --target    postgres://… (as a role that owns the schema) or pglite:DIR; default: the configured database as its
//               owner (DATABASE_OWNER_URL, else DATABASE_URL, else PGLITE_DIR; stop the app first on PGlite)
//   --force     replace a non-empty target (full restore only)
//   --tenant    restore only this tenant's rows and blobs into a live deployment; refused if the tenant exists
//   --blob-dir  restore blobs into this directory instead of the configured blob store
// The archive is verified in full (key, checksums, row counts, schema version) before the target is opened.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError } from '@/lib/backup/errors';
import { resolveBackupKey } from '@/lib/backup/key';
import { restoreBackup } from '@/lib/backup/restore';
import { getBackupStore } from '@/lib/backup/store';
import { openConfiguredOwner, openPgliteTarget, openPostgresTarget, type OwnerDatabase } from '@/lib/backup/target';
import { closeDb } from '@/lib/db/client';
import { migrateDatabase } from '@/lib/db/migrate';
import { parseEnv, type Env } from '@/lib/env';
import { getBlobStore } from '@/lib/storage';
import { createLocalBlobStore } from '@/lib/storage/blob-store';

function targetOpener(env: Env, target: string | undefined): () => Promise<OwnerDatabase> {
  if (!target) {
    return async () => {
      const owner = await openConfiguredOwner(env);
      // A server database may be brand new: give it this build's schema first (the embedded one migrates on open).
      if (owner.kind !== 'pglite') await migrateDatabase(owner.db, owner.kind);
      return owner;
    };
  }
  if (/^postgres(ql)?:\/\//.test(target)) return () => openPostgresTarget(target);
  if (target.startsWith('pglite:')) return () => openPgliteTarget(target.slice('pglite:'.length));
  throw new BackupError('--target must be a postgres:// URL or pglite:DIR');
}

async function main(): Promise<unknown> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { from: { type: 'string' }, target: { type: 'string' }, force: { type: 'boolean' }, tenant: { type: 'string' }, 'blob-dir': { type: 'string' } },
  });
  if (!values.from) throw new BackupError('--from is required: an archive file, a backup name, or latest');
  const env = parseEnv(process.env);
  const work = await mkdtemp(path.join(tmpdir(), 'reflex-restore-'));
  try {
    let file = values.from;
    if (!existsSync(file)) {
      const store = getBackupStore(env);
      const all = await store.list();
      const chosen = values.from === 'latest' ? all.at(-1) : all.find((b) => b.name === values.from);
      if (!chosen) throw new BackupError(`${values.from}: no such file, and no such backup in ${store.location}`);
      file = path.join(work, chosen.name);
      await store.download(chosen.name, file);
    }
    return await restoreBackup({
      archivePath: file,
      key: await resolveBackupKey(env),
      openTarget: targetOpener(env, values.target),
      blobStore: values['blob-dir'] ? createLocalBlobStore(values['blob-dir']) : getBlobStore(),
      force: values.force,
      tenantId: values.tenant,
    }).then((r) => ({ ...r, manifest: { createdAt: r.manifest.createdAt, tenants: r.manifest.tenants.length, schema: r.manifest.schema } }));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main()
  .then(async (result) => {
    console.log(JSON.stringify(result, null, 2));
    await closeDb();
  })
  .catch(async (err: unknown) => {
    console.error(`restore refused: ${err instanceof Error ? err.message : String(err)}`);
    await closeDb().catch(() => undefined);
    process.exit(1);
  });
