import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { needsBuild, needsInstall, recordBuild, recordInstall, sourceStamp } from '@/scripts/local.mjs';

// `npm run local` skips npm ci and next build only when nothing they depend on changed: a changed, added or
// removed source file, a new lockfile or a new NEXT_PUBLIC_ value must install or build again.

let root: string;
const write = (file: string, content: string) => {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
};
const built = () => {
  write('.next/BUILD_ID', 'abc');
  write('dist/workers/pipeline-worker.mjs', '');
  recordBuild(root, sourceStamp(root, {}));
};

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'reflex-local-'));
  write('package.json', '{"name":"x"}');
  write('package-lock.json', '{"lockfileVersion":3}');
  write('app/page.tsx', 'export default function Page() { return null; }');
  write('lib/util.ts', 'export const a = 1;');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('build', () => {
  it('is needed without a build, and not after one with the same sources', () => {
    expect(needsBuild(root, {})).toBe(true);
    built();
    expect(needsBuild(root, {})).toBe(false);
  });

  it('is needed when the pipeline worker bundle is missing', () => {
    built();
    unlinkSync(path.join(root, 'dist/workers/pipeline-worker.mjs'));
    expect(needsBuild(root, {})).toBe(true);
  });

  it('is needed again when a source file changes, appears or disappears', () => {
    built();
    write('lib/util.ts', 'export const a = 2;');
    expect(needsBuild(root, {})).toBe(true);
    built();
    write('components/new.tsx', 'export {}');
    expect(needsBuild(root, {})).toBe(true);
    built();
    unlinkSync(path.join(root, 'components/new.tsx'));
    expect(needsBuild(root, {})).toBe(true);
  });

  it('is needed when the configuration, the lockfile or an inlined NEXT_PUBLIC_ value changes, and not for files outside the app', () => {
    built();
    write('tests/some.test.ts', 'changed');
    write('README.md', 'changed');
    expect(needsBuild(root, {})).toBe(false);
    expect(needsBuild(root, { NEXT_PUBLIC_FLAG: '1' })).toBe(true);
    write('next.config.ts', 'export default {}');
    expect(needsBuild(root, {})).toBe(true);
    built();
    write('package-lock.json', '{"lockfileVersion":3,"x":1}');
    expect(needsBuild(root, {})).toBe(true);
  });

  it('is needed when the previous build is gone (a failed type check deletes .next)', () => {
    built();
    rmSync(path.join(root, '.next/BUILD_ID'));
    expect(needsBuild(root, {})).toBe(true);
  });
});

describe('install', () => {
  it('is needed without node_modules, not after installing, and again when package-lock.json changes', () => {
    expect(needsInstall(root)).toBe(true);
    write('node_modules/.package-lock.json', '{}');
    expect(needsInstall(root)).toBe(true);
    recordInstall(root);
    expect(needsInstall(root)).toBe(false);
    write('package-lock.json', '{"lockfileVersion":3,"packages":{}}');
    expect(needsInstall(root)).toBe(true);
  });
});
