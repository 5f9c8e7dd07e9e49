import { withSentryConfig } from '@sentry/nextjs/config';
import type { NextConfig } from 'next';
import { securityHeaders } from './lib/http/security-headers';
import { commitSha } from './lib/observability/release';

const release = commitSha();

const nextConfig: NextConfig = {
  reactStrictMode: true,
  // Browser error tracking reads these at build time (instrumentation-client.ts); empty when Sentry is off.
  env: { NEXT_PUBLIC_SENTRY_DSN: process.env.SENTRY_DSN ?? '', NEXT_PUBLIC_SENTRY_RELEASE: release ?? '' },
  poweredByHeader: false,
  experimental: {
    // `next start` would otherwise load every page and route module when it starts: each route bundle carries its
    // own copy of the shared server chunks (auth, the API layer), so the idle server held ~17 copies of the same
    // code. Loading a route on its first request costs that request its module load, once.
    preloadEntriesOnStart: false,
  },
  // These load WebAssembly, native sockets or read their own files at run time; bundling them breaks that.
  serverExternalPackages: [
    '@electric-sql/pglite',
    '@electric-sql/pglite-pgvector',
    'pg',
    'ws',
    '@neondatabase/serverless',
    'prom-client',
    // The offline provider's NLP model is a 4 MB module: loaded from node_modules, not copied into every bundle.
    'wink-nlp',
    'wink-eng-lite-web-model',
  ],
  // The pipeline worker is a prebuilt bundle (scripts/build-workers.ts) that lib/workers/pipeline-pool.ts starts
  // by path, which file tracing cannot see: the functions that run pipeline steps must ship it.
  outputFileTracingIncludes: {
    '/api/inngest': ['./dist/workers/pipeline-worker.mjs'],
  },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders() }];
  },
};

// Source maps go to Sentry only when there is somewhere to send them (SENTRY_DSN) and a token to do it with;
// without both the build is the plain one and never calls out.
const { SENTRY_DSN, SENTRY_AUTH_TOKEN, SENTRY_ORG, SENTRY_PROJECT } = process.env;

export default SENTRY_DSN && SENTRY_AUTH_TOKEN
  ? withSentryConfig(nextConfig, {
      org: SENTRY_ORG,
      project: SENTRY_PROJECT,
      authToken: SENTRY_AUTH_TOKEN,
      silent: true,
      telemetry: false,
      release: { name: release },
      sourcemaps: { deleteSourcemapsAfterUpload: true },
    })
  : nextConfig;
