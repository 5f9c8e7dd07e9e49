import { execFileSync } from 'node:child_process';

// The commit this build runs: Vercel's VERCEL_GIT_COMMIT_SHA, else the checkout's HEAD, else undefined (a tarball
// without .git). Tags Sentry releases, so an error points at the code that threw it.
export function commitSha(): string | undefined {
  const fromVercel = process.env.VERCEL_GIT_COMMIT_SHA?.trim();
  if (fromVercel) return fromVercel;
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2_000 }).trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}
