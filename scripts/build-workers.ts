// `npm run build:workers`: bundles the worker-thread entries in lib/workers/ into self-contained files under
// dist/workers/. A worker thread starts a fresh module loader, which knows neither the `@/` alias nor TypeScript,
// and on Vercel only traced files exist; so each worker ships as one ESM file with its dependencies inside
// (PDF.js included), the same file under `next start`, vitest, tsx scripts and Vercel (next.config.ts traces it).
// npm runs this before `build` and `dev`; vitest's global setup runs it before every test run.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRIES = { 'pipeline-worker': 'lib/workers/pipeline-worker.ts' };

export async function buildWorkers(root = process.cwd()): Promise<string[]> {
  const outdir = path.join(root, 'dist', 'workers');
  const result = await build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    tsconfig: path.join(root, 'tsconfig.json'),
    // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    legalComments: 'eof',
    logLevel: 'warning',
    metafile: true,
  });
  return Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.mjs'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  buildWorkers().then(
    (files) => console.log(`[build:workers] ${files.join(', ')} in ${Math.round(performance.now() - started)} ms`),
    (err: unknown) => {
      console.error(`[build:workers] failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
