import type { TestProject } from 'vitest/node';
import { buildWorkers } from '../../scripts/build-workers';
import { prepareServerDatabase } from '../helpers/server-db';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string | null;
    ownerDatabaseUrl: string | null;
  }
}

export default async function setup(project: TestProject) {
  // The pipeline worker runs the bundle, not the sources: rebuild it so tests run the code as it is now.
  await buildWorkers();
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    console.log('[tests] TEST_DATABASE_URL is not set: running on embedded PGlite only (real-PostgreSQL variants skipped).');
    project.provide('databaseUrl', null);
    project.provide('ownerDatabaseUrl', null);
    return;
  }
  const prepared = await prepareServerDatabase(url);
  console.log(`[tests] running against real PostgreSQL database ${prepared.database} as ${prepared.loginRole}`);
  project.provide('databaseUrl', prepared.appUrl);
  project.provide('ownerDatabaseUrl', prepared.ownerUrl);
  return prepared.drop;
}
