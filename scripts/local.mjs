// `npm run local`: install, build and serve, doing only the part that is needed. Plain Node with no
// dependencies, because it runs before anything is installed.
//  - install (npm ci) when package-lock.json differs from the one node_modules was installed from;
//  - build (npm run build) when any source file differs from the last successful build: the stamp is a hash of
//    every source file's path and content (not of modification times, which copies and checkouts move);
//  - then `next start`, with any arguments passed on (`npm run local -- -p 4000`; PORT=4000 works too).
// `npm run local -- --rebuild` builds even when nothing changed.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const INSTALL_STAMP = path.join('node_modules', '.reflex-lock-hash');
const BUILD_STAMP = path.join('.next', '.reflex-source-hash');
// What `next build` reads: the app, its libraries, migrations bundled with it, and the configuration.
const SOURCE_DIRS = ['app', 'components', 'lib', 'inngest', 'public', 'drizzle'];
const SOURCE_FILES = ['scripts/build-workers.ts', 'package.json', 'package-lock.json', 'next.config.ts', 'tsconfig.json', 'instrumentation.ts', 'proxy.ts', '.env', '.env.production', '.env.local', '.env.production.local'];

function hashOf(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

function filesUnder(root, dir) {
  const full = path.join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** The hash of package-lock.json, or null without one. */
export function lockStamp(root) {
  const lock = path.join(root, 'package-lock.json');
  return existsSync(lock) ? hashOf(readFileSync(lock)) : null;
}

/** One hash over every source file's path and content, the Node version and the NEXT_PUBLIC_ variables a build inlines. */
export function sourceStamp(root, env = process.env) {
  const files = [...SOURCE_DIRS.flatMap((d) => filesUnder(root, d)), ...SOURCE_FILES.filter((f) => existsSync(path.join(root, f)))].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file.split(path.sep).join('/')}\0`);
    hash.update(readFileSync(path.join(root, file)));
    hash.update('\0');
  }
  const inlined = Object.keys(env)
    .filter((k) => k.startsWith('NEXT_PUBLIC_'))
    .sort()
    .map((k) => `${k}=${env[k]}`);
  hash.update(`node ${process.version}\0${inlined.join('\0')}`);
  return hash.digest('hex');
}

function readStamp(file) {
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

export function needsInstall(root) {
  return !existsSync(path.join(root, 'node_modules', '.package-lock.json')) || readStamp(path.join(root, INSTALL_STAMP)) !== lockStamp(root);
}

export function needsBuild(root, env = process.env) {
  return (
    !existsSync(path.join(root, '.next', 'BUILD_ID')) ||
    // The pipeline worker bundle (scripts/build-workers.ts) is built with the app and served beside it.
    !existsSync(path.join(root, 'dist', 'workers', 'pipeline-worker.mjs')) ||
    readStamp(path.join(root, BUILD_STAMP)) !== sourceStamp(root, env)
  );
}

export function recordInstall(root) {
  writeFileSync(path.join(root, INSTALL_STAMP), `${lockStamp(root)}\n`);
}

export function recordBuild(root, stamp) {
  writeFileSync(path.join(root, BUILD_STAMP), `${stamp}\n`);
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function main() {
  const root = process.cwd();
  const args = process.argv.slice(2);
  const rebuild = args.includes('--rebuild');
  const passOn = args.filter((a) => a !== '--rebuild');

  if (needsInstall(root)) {
    console.log('[reflex] installing dependencies (package-lock.json changed or node_modules is missing)');
    run('npm', ['ci', '--no-audit', '--no-fund']);
    recordInstall(root);
  } else {
    console.log('[reflex] dependencies are up to date: skipping npm ci');
  }

  if (rebuild || needsBuild(root)) {
    console.log(rebuild ? '[reflex] building (--rebuild)' : '[reflex] building (sources changed since the last build)');
    // Hashed before building, so a file edited while the build runs is built again next time.
    const stamp = sourceStamp(root);
    // npm run build: its prebuild step bundles the pipeline worker first.
    run('npm', ['run', 'build']);
    recordBuild(root, stamp);
  } else {
    console.log('[reflex] build is up to date: skipping next build (use --rebuild to force one)');
  }

  const server = spawn('npx', ['next', 'start', ...passOn], { stdio: 'inherit', shell: process.platform === 'win32' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
  server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
