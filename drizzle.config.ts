import { defineConfig } from 'drizzle-kit';

// Generation only needs the schema; migrations are applied by lib/db/migrate.ts (drizzle-kit cannot load
// pgvector into PGlite).
export default defineConfig({
  dialect: 'postgresql',
  schema: './lib/db/schema/index.ts',
  out: './drizzle',
});
