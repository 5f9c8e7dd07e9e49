import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from './harness';

// Two real processes on one on-disk PGlite: the first is killed with SIGKILL in the middle of step two, the
// second resumes the run. One node process per worker (node --import tsx), so SIGKILL reaches the runner itself.
const WORKER = path.join(import.meta.dirname, '../fixtures/runner/worker.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'reflex-runner-resume-'));
const sideEffects = path.join(dir, 'side-effects.log');

function startWorker(mode: 'start' | 'resume'): { child: ChildProcess; output: () => string } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGLITE_DIR: path.join(dir, 'pglite'),
    SIDE_EFFECTS_FILE: sideEffects,
    WORKER_MODE: mode,
    BLOCK_STEP_2: mode === 'start' ? '1' : '0',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  delete env.DATABASE_DRIVER;
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

const children: ChildProcess[] = [];
const lines = () => (existsSync(sideEffects) ? readFileSync(sideEffects, 'utf8').split('\n').filter(Boolean) : []);

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('local runner: resume after the process is killed', () => {
  it('finishes the run in a new process without re-running completed steps', async () => {
    const first = startWorker('start');
    await until(() => lines().includes('step2') || first.child.exitCode !== null, 90_000);
    expect(lines(), first.output()).toEqual(['step1', 'step2']);
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;

    const second = startWorker('resume');
    const code = await new Promise<number | null>((resolve) => second.child.once('exit', resolve));
    expect(code, second.output()).toBe(0);
    const result = JSON.parse(second.output().split('RESULT ')[1] ?? 'null');
    expect(result).toMatchObject({ status: 'completed', output: 'resumed' });
    // Step one ran once; step two was in flight when the process died, so it ran again (at-least-once).
    expect(lines()).toEqual(['step1', 'step2', 'step2', 'step3']);
    expect(result.steps.map((s: { name: string; attempts: number }) => [s.name, s.attempts])).toEqual([
      ['one', 1],
      ['two', 1],
      ['three', 1],
    ]);
  }, 180_000);
});
