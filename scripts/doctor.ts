// `npm run doctor`: validates the environment and checks every configured service (database roles and
// migrations, KV, Inngest keys, AI endpoints, Blob, secrets), printing a ✓/✗ checklist with what to set.
// Exit code 1 when something required is missing or broken. Runs from the repository root.
import { formatChecklist, hasFailures, runDoctor } from '@/lib/health/doctor';

async function main(): Promise<void> {
  const lines = await runDoctor(process.env);
  console.log(`Reflex doctor\n\n${formatChecklist(lines)}`);
  process.exitCode = hasFailures(lines) ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(`doctor crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
