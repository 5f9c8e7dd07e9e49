import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/setup/global-setup.ts'],
    setupFiles: ['tests/setup/env.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file gets its own module graph, hence its own embedded database.
    isolate: true,
    pool: 'forks',
  },
});
