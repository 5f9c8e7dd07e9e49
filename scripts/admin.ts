// `npm run admin -- <command>`: operator CLI. Prints JSON on stdout, errors on stderr with exit code 1.
//   tenants create --name <name> --owner-email <email> [--owner-name <n>] [--owner-password <p>] [--plan standard|professional|enterprise] [--slug <s>]
//   users set-password --email <email> --password <password>
import { parseArgs } from 'node:util';
import { setUserPassword } from '@/lib/auth/users';
import { closeDb } from '@/lib/db/client';
import { AppError } from '@/lib/http/errors';
import { provisionTenant, provisionTenantSchema } from '@/lib/tenancy/provision';

const USAGE = `usage:
  npm run admin -- tenants create --name <name> --owner-email <email> [--owner-name <name>] [--owner-password <password>] [--plan standard|professional|enterprise] [--slug <slug>]
  npm run admin -- users set-password --email <email> --password <password>`;

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
