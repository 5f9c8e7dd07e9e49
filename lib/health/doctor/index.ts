import { EnvError, parseEnv, type Env } from '@/lib/env';
import { checkDatabase } from './database';
import { checkEmail } from './email';
import { checkAiProviders, checkFilesAndSecrets, checkInngest, checkKv, type Fetch } from './services';
import { line, type DoctorLine } from './types';

export type { DoctorLine, DoctorStatus } from './types';
export { checkDatabase, checkRoles } from './database';
export { checkEmail } from './email';
export { checkAiProviders, checkFilesAndSecrets, checkInngest, checkKv } from './services';

export function checkEnv(source: NodeJS.ProcessEnv): { env?: Env; lines: DoctorLine[] } {
  try {
    const env = parseEnv(source);
    return { env, lines: [line('Environment', 'ok', `valid (${env.VERCEL ? 'Vercel' : env.NODE_ENV})`)] };
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    const issues = err.message.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
    return { lines: issues.map((issue) => line('Environment', 'fail', issue, 'fix this variable (the rules are in lib/env.ts)')) };
  }
}

// Every check of `npm run doctor`, in checklist order. Service checks run in parallel; none throws.
export async function runDoctor(source: NodeJS.ProcessEnv, opts: { fetch?: Fetch } = {}): Promise<DoctorLine[]> {
  const { env, lines } = checkEnv(source);
  if (!env) return lines;
  const [database, kv, ai, email] = await Promise.all([checkDatabase(env), checkKv(env), checkAiProviders(env, opts.fetch), checkEmail(env)]);
  return [...lines, ...database, ...kv, ...checkInngest(env), ...ai, ...email, ...checkFilesAndSecrets(env)];
}

export function hasFailures(lines: readonly DoctorLine[]): boolean {
  return lines.some((l) => l.status === 'fail');
}

const MARK = { ok: '✓', warn: '!', fail: '✗', skip: '-' } as const;

export function formatChecklist(lines: readonly DoctorLine[]): string {
  const width = Math.max(...lines.map((l) => l.area.length));
  const rows = lines.map((l) => {
    const head = `${MARK[l.status]} ${l.area.padEnd(width)}  ${l.message}`;
    return l.fix && l.status !== 'ok' ? `${head}\n  ${' '.repeat(width)}  → ${l.fix}` : head;
  });
  const failures = lines.filter((l) => l.status === 'fail').length;
  const warnings = lines.filter((l) => l.status === 'warn').length;
  const summary = failures > 0 ? `${failures} problem(s) to fix, ${warnings} warning(s).` : `Ready. ${warnings} warning(s).`;
  return `${rows.join('\n')}\n\n${summary}`;
}
