// `npm run eval`: quality of classification, verification and retrieval on the labelled corpus (corpus/), per AI
// provider available here (offline always; openai and self-hosted when their env vars are set).
//
// Each provider gets a throwaway tenant in an in-memory database; the corpus goes through the real upload domain
// function and the real pipeline (local runner), with the tenant's policy pinned to that provider for every
// operation it supports. Options: --verbose lists every miss; --provider <name> evaluates one provider only.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { AiProvider } from '@/lib/ai/types';
import type { Access } from '@/lib/tenancy/access';
import { NO_POLICY } from '@/lib/tenancy/security-policy';

// The database, pipeline backend and secrets must be chosen before any app module reads the environment.
process.env.PGLITE_DIR = 'memory://';
delete process.env.DATABASE_URL;
delete process.env.DATABASE_DRIVER;
delete process.env.INNGEST_EVENT_KEY;
delete process.env.INNGEST_SIGNING_KEY;
delete process.env.INNGEST_BASE_URL;
process.env.BETTER_AUTH_SECRET ??= randomBytes(24).toString('hex');
process.env.LOG_LEVEL ??= 'error';

const { AI_OPERATIONS, ruleSchema } = await import('@/lib/ai/types');
const { PERMISSIONS } = await import('@/lib/auth/permissions');
const { closeDb } = await import('@/lib/db/client');
const { documents: documentsTable } = await import('@/lib/db/schema');
const { withTenant } = await import('@/lib/db/tenant');
const { getDocumentAi } = await import('@/lib/documents/ai');
const { aiSettingsSchema, getAiSettings } = await import('@/lib/documents/ai-settings');
const { sendPipelineJobs } = await import('@/lib/documents/enqueue');
const { createDocument } = await import('@/lib/documents/ingest');
const { retrieveChunks } = await import('@/lib/search/search');
const { updateAiSettings } = await import('@/lib/settings/ai-settings');
const { provisionTenant } = await import('@/lib/tenancy/provision');
const { drainLocalRunner, listRuns, startLocalRunner, stopLocalRunner, waitForRun } = await import('@/inngest/local');

type PipelineJob = Parameters<typeof sendPipelineJobs>[0][number];

const CORPUS_DIR = path.resolve(import.meta.dirname, '..', 'corpus');
const EVALUATED = ['offline', 'openai', 'self-hosted'] as const;
const RECALL_AT = 5;
// Chunks retrieved per question before they are reduced to a document ranking.
const RETRIEVED_CHUNKS = 30;
const UNFINISHED = ['queued', 'running', 'retrying', 'sleeping', 'waiting'] as const;

const corpusSchema = z.object({
  description: z.string(),
  rules: z.array(ruleSchema),
  documents: z
    .array(z.strictObject({ file: z.string().min(1), title: z.string().min(1), category: z.string().min(1), verified: z.boolean(), why: z.string().optional() }))
    .min(1),
  questions: z.array(z.strictObject({ question: z.string().min(1), relevant: z.array(z.string().min(1)).min(1) })).min(1),
});
type Corpus = z.infer<typeof corpusSchema>;

interface Result {
  provider: string;
  processed: number;
  classified: number;
  verified: number;
  recall: number;
  mrr: number;
  seconds: number;
  misses: string[];
}

async function loadCorpus(): Promise<{ corpus: Corpus; texts: Map<string, string> }> {
  const corpus = corpusSchema.parse(JSON.parse(await readFile(path.join(CORPUS_DIR, 'corpus.json'), 'utf8')));
  const texts = new Map<string, string>();
  for (const doc of corpus.documents) texts.set(doc.file, await readFile(path.join(CORPUS_DIR, 'documents', doc.file), 'utf8'));
  const files = new Set(texts.keys());
  for (const q of corpus.questions) {
    for (const file of q.relevant) if (!files.has(file)) throw new Error(`corpus.json: question "${q.question}" names unknown ${file}`);
  }
  return { corpus, texts };
}

// Every operation the provider can do runs on it, with no fallback: the numbers are that provider's own.
function pinnedPolicies(provider: string) {
  const providers: Readonly<Record<string, AiProvider | undefined>> = getDocumentAi().providers;
  const p = providers[provider];
  const policies: Record<string, { primary: string; fallback?: string[] }> = {};
  for (const op of AI_OPERATIONS) {
    if (!p?.supports(op) || op === 'transcribe') continue;
    policies[op] = op === 'embed' ? { primary: provider } : { primary: provider, fallback: [] };
  }
  return policies;
}

// Lets the local runner finish every pipeline run of the tenant, including runs waiting out a retry backoff.
async function settle(tenantId: string): Promise<void> {
  for (;;) {
    await drainLocalRunner(300_000);
    const open = await listRuns({ functionId: 'process-document', tenantId, status: [...UNFINISHED] });
    if (open.length === 0) return;
    for (const run of open) await waitForRun(run.id, 300_000);
  }
}

async function evaluate(provider: string, corpus: Corpus, texts: Map<string, string>): Promise<Result> {
  const started = Date.now();
  const suffix = randomBytes(3).toString('hex');
  const { tenant, owner } = await provisionTenant({ name: `Eval ${provider}`, ownerEmail: `eval-${provider}-${suffix}@example.test`, plan: 'enterprise' });
  const tenantId = tenant.id;
  const scope = { userId: owner.userId };
  await withTenant(
    tenantId,
    (tx) => updateAiSettings(tx, tenantId, aiSettingsSchema.parse({ privacyMode: false, rules: corpus.rules, policies: pinnedPolicies(provider) })),
    scope,
  );
  const access: Access = { tenantId, plan: tenant.plan, actor: { type: 'user', userId: owner.userId }, permissions: new Set(PERMISSIONS), roleKey: 'owner', policy: NO_POLICY };

  const jobs: PipelineJob[] = [];
  const fileOf = new Map<string, string>();
  for (const doc of corpus.documents) {
    const created = await withTenant(
      tenantId,
      (tx) => createDocument(tx, access, { source: 'json', body: { title: doc.title, text: texts.get(doc.file) ?? '' } }, (job) => jobs.push(job)),
      scope,
    );
    fileOf.set(created.id, doc.file);
  }
  await sendPipelineJobs(jobs);
  await settle(tenantId);

  const rows = await withTenant(tenantId, (tx) =>
    tx.select({ id: documentsTable.id, status: documentsTable.status, category: documentsTable.category, verification: documentsTable.verification, error: documentsTable.error }).from(documentsTable),
  );
  const misses: string[] = [];
  let processed = 0;
  let classified = 0;
  let verified = 0;
  for (const row of rows) {
    const file = fileOf.get(row.id) ?? row.id;
    const expected = corpus.documents.find((d) => d.file === file);
    if (!expected) continue;
    if (row.status === 'processed') processed++;
    else misses.push(`${file}: ${row.status}${row.error ? ` (${row.error})` : ''}`);
    if (row.category === expected.category) classified++;
    else misses.push(`${file}: category ${row.category ?? 'none'}, expected ${expected.category}`);
    if (row.verification?.passed === expected.verified) verified++;
    else misses.push(`${file}: verification ${row.verification ? (row.verification.passed ? 'passed' : 'failed') : 'missing'}, expected ${expected.verified ? 'pass' : 'fail'}`);
  }

  let recallSum = 0;
  let mrrSum = 0;
  const settings = await withTenant(tenantId, getAiSettings);
  for (const [i, q] of corpus.questions.entries()) {
    const retrieval = await withTenant(tenantId, (tx) =>
      retrieveChunks(tx, settings, { tenantId, query: q.question, limit: RETRIEVED_CHUNKS, idempotencyKey: `eval:${provider}:${i}` }),
    );
    const ranking = [...new Set(retrieval.chunks.map((c) => fileOf.get(c.documentId) ?? c.documentId))];
    const top = ranking.slice(0, RECALL_AT);
    const found = q.relevant.filter((f) => top.includes(f)).length;
    recallSum += found / q.relevant.length;
    const firstRelevant = ranking.findIndex((f) => q.relevant.includes(f));
    mrrSum += firstRelevant < 0 ? 0 : 1 / (firstRelevant + 1);
    if (found < q.relevant.length) misses.push(`"${q.question}": top ${RECALL_AT} = ${top.join(', ')}`);
  }
  return {
    provider,
    processed,
    classified,
    verified,
    recall: recallSum / corpus.questions.length,
    mrr: mrrSum / corpus.questions.length,
    seconds: (Date.now() - started) / 1000,
    misses,
  };
}

function pct(n: number, of: number): string {
  return `${n}/${of} (${Math.round((n / of) * 100)}%)`;
}

function printTable(results: Result[], corpus: Corpus): void {
  const docs = corpus.documents.length;
  const header = ['provider', 'processed', 'classification', 'verification', `recall@${RECALL_AT}`, 'MRR', 'time'];
  const lines = results.map((r) => [
    r.provider,
    pct(r.processed, docs),
    pct(r.classified, docs),
    pct(r.verified, docs),
    r.recall.toFixed(2),
    r.mrr.toFixed(2),
    `${r.seconds.toFixed(1)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(`\nCorpus: ${docs} documents, ${corpus.questions.length} questions, ${corpus.rules.length} rules\n`);
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { verbose: { type: 'boolean', default: false }, provider: { type: 'string' } } });
  const { corpus, texts } = await loadCorpus();
  const available = EVALUATED.filter((name) => getDocumentAi().providers[name] !== undefined && (!values.provider || values.provider === name));
  if (available.length === 0) throw new Error(`provider ${values.provider ?? ''} is not configured here`);
  const skipped = EVALUATED.filter((name) => !available.includes(name));
  await startLocalRunner({ backoffBaseMs: 200, backoffMaxMs: 2_000 });
  const results: Result[] = [];
  for (const provider of available) {
    process.stderr.write(`evaluating ${provider}…\n`);
    results.push(await evaluate(provider, corpus, texts));
  }
  printTable(results, corpus);
  if (skipped.length > 0) console.log(`\nNot configured (skipped): ${skipped.join(', ')}. Set OPENAI_API_KEY or SELF_HOSTED_AI_URL to include them.`);
  for (const r of results) {
    if (r.misses.length === 0) continue;
    console.log(`\n${r.provider}: ${r.misses.length} miss(es)${values.verbose ? '' : ' (--verbose lists them)'}`);
    if (values.verbose) for (const m of r.misses) console.log(`  - ${m}`);
  }
}

try {
  await main();
} finally {
  await stopLocalRunner().catch(() => undefined);
  await closeDb().catch(() => undefined);
}
