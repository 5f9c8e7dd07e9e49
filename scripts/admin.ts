// `npm run admin -- <command>`: operator CLI. Prints JSON on stdout, errors on stderr with exit code 1.
//   tenants create --name <name> --owner-email <email> [--owner-name <n>] [--owner-password <p>] [--plan standard|professional|enterprise] [--slug <s>]
//   users set-password --email <email> --password <password>
//   users reset-mfa --email <email>
//   emails list --email <email>
//   backups drills            restore drill history (RTO/RPO), newest first
//   backups drill             run a restore drill of the newest backup now
//   operators add|remove --email <email>   grant or remove the operator role (the /ops console; TOTP required)
//   operators list
import { parseArgs } from 'node:util';
import { resetUserMfa, setUserPassword } from '@/lib/auth/users';
import { listRestoreDrills, runRestoreDrill } from '@/lib/backup/drill';
import { listAccountEmails } from '@/lib/email/deliveries';
import { getEnv } from '@/lib/env';
import { closeDb } from '@/lib/db/client';
import { AppError } from '@/lib/http/errors';
import { provisionTenant, provisionTenantSchema } from '@/lib/tenancy/provision';
import { grantOperator, listOperators, revokeOperator } from '@/lib/ops/operators';

const USAGE = `usage:
  npm run admin -- tenants create --name <name> --owner-email <email> [--owner-name <name>] [--owner-password <password>] [--plan standard|professional|enterprise] [--slug <slug>]
  npm run admin -- users set-password --email <email> --password <password>
  npm run admin -- users reset-mfa --email <email>
  npm run admin -- emails list --email <email>
  npm run admin -- backups drills
  npm run admin -- backups drill
  npm run admin -- operators add --email <email>
  npm run admin -- operators remove --email <email>
  npm run admin -- operators list`;

async function run(argv: string[]): Promise<unknown> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      'owner-email': { type: 'string' },
      'owner-name': { type: 'string' },
      'owner-password': { type: 'string' },
      plan: { type: 'string' },
      slug: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
    },
  });
  const command = positionals.join(' ');
  if (command === 'tenants create') {
    const input = provisionTenantSchema.safeParse({
      name: values.name,
      ownerEmail: values['owner-email'],
      ownerName: values['owner-name'],
      ownerPassword: values['owner-password'],
      plan: values.plan,
      slug: values.slug,
    });
    if (!input.success) throw new Error(input.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; '));
    return provisionTenant(input.data);
  }
  if (command === 'users set-password') {
    if (!values.email || !values.password) throw new Error('--email and --password are required');
    await setUserPassword(values.email, values.password);
    return { ok: true, email: values.email };
  }
  if (command === 'users reset-mfa') {
    if (!values.email) throw new Error('--email is required');
    return { ok: true, ...(await resetUserMfa(values.email)) };
  }
  // Support: did the verification / reset / change-of-address emails to this address go out?
  if (command === 'emails list') {
    if (!values.email) throw new Error('--email is required');
    return { items: await listAccountEmails(values.email) };
  }
  if (command === 'backups drills') return { items: await listRestoreDrills() };
  if (command === 'backups drill') return runRestoreDrill(getEnv());
  // Operators of the /ops console. The grant is logged in the operator-action log with actor "cli".
  if (command === 'operators add' || command === 'operators remove') {
    if (!values.email) throw new Error('--email is required');
    return command === 'operators add' ? grantOperator(values.email, { label: 'cli' }) : revokeOperator(values.email, { label: 'cli' });
  }
  if (command === 'operators list') {
    return { items: (await listOperators()).map((o) => ({ email: o.email, name: o.name, mfa: o.twoFactorEnabled, grantedAt: o.grantedAt, grantedBy: o.grantedBy })) };
  }
  throw new Error(`unknown command "${command}"\n${USAGE}`);
}

run(process.argv.slice(2))
  .then(async (result) => {
    console.log(JSON.stringify(result, null, 2));
    await closeDb();
  })
  .catch(async (err: unknown) => {
    console.error(err instanceof AppError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err));
    await closeDb().catch(() => undefined);
    process.exit(1);
  });
