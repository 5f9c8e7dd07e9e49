import type { NextConfig } from 'next';
import { securityHeaders } from './lib/http/security-headers';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
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

export default nextConfig;
