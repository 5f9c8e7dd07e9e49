import * as OTPAuth from 'otpauth';
import * as authRoute from '@/app/api/auth/[...all]/route';
import { grantOperator } from '@/lib/ops/operators';
import { BASE, call, signUp, uniqueEmail } from '../helpers/http';

// The cookies a response leaves in the browser: set ones replace, expired ones are dropped.
export function applyCookies(jar: string, res: { headers: Headers }): string {
  const cookies = new Map(jar.split('; ').filter(Boolean).map((c) => [c.split('=')[0] ?? '', c]));
  for (const line of res.headers.getSetCookie()) {
    const pair = line.split(';')[0] ?? '';
    const name = pair.split('=')[0] ?? '';
    if (/max-age=0/i.test(line) || pair.endsWith('=')) cookies.delete(name);
    else cookies.set(name, pair);
  }
  return [...cookies.values()].join('; ');
}

const auth = (path: string, body: unknown, cookie: string) =>
  call(authRoute.POST, { method: 'POST', path: `/api/auth${path}`, body, headers: { origin: BASE, cookie } });

// What the profile page does: ask for a secret with the password, confirm with the first code.
export async function enrolTotp(cookie: string, password: string): Promise<string> {
  const started = await auth('/two-factor/enable', { password }, cookie);
  if (started.status !== 200) throw new Error(`two-factor/enable: ${started.status} ${JSON.stringify(started.body)}`);
  const parsed = OTPAuth.URI.parse(started.body.totpURI);
  if (!(parsed instanceof OTPAuth.TOTP)) throw new Error('not a TOTP URI');
  const confirmed = await auth('/two-factor/verify-totp', { code: parsed.generate() }, cookie);
  if (confirmed.status !== 200) throw new Error(`verify-totp: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  return applyCookies(cookie, confirmed);
}

/** A user granted the operator role through the CLI's function, with TOTP on unless `mfa: false`. */
export async function makeOperator(opts: { mfa?: boolean } = {}) {
  const user = await signUp(uniqueEmail('operator'));
  await grantOperator(user.email, { label: 'cli' });
  const cookie = opts.mfa === false ? user.cookie : await enrolTotp(user.cookie, user.password);
  return { ...user, cookie };
}
