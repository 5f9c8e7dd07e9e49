// `npm run eval`: quality of the AI on the labelled corpus (corpus/), per provider available here (offline always;
// openai and self-hosted when their env vars are set): action items (precision, recall, owner and due-date
// accuracy), category, title, verification, retrieval recall@5, answer accuracy (the labelled key facts appear in
// the answer) and citation accuracy, for the dev split and the held-out split separately, plus the offline
// provider's language-processing time per document.
//
// Each provider gets a throwaway tenant in an in-memory database; the corpus goes through the real upload domain
// function, the real pipeline (local runner) and the real assistant. Options: --verbose lists the dev split's misses
// (--show-heldout adds the held-out ones: read them only to check the labels, never to tune); --provider <name>
// evaluates one provider; --steps drives the pipeline steps directly instead of through the runner (faster); --seed
// writes the provider's outputs straight into the database (fastest; what the CI quality gate does).
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

// The database, blob store, pipeline backend and secrets must be chosen before any app module reads the environment.
const blobDir = mkdtempSync(path.join(tmpdir(), 'reflex-eval-blobs-'));
process.env.PGLITE_DIR = 'memory://';
process.env.BLOB_DIR = blobDir;
delete process.env.BLOB_READ_WRITE_TOKEN;
delete process.env.DATABASE_URL;
delete process.env.DATABASE_DRIVER;
delete process.env.INNGEST_EVENT_KEY;
delete process.env.INNGEST_SIGNING_KEY;
delete process.env.INNGEST_BASE_URL;
process.env.BETTER_AUTH_SECRET ??= randomBytes(24).toString('hex');
process.env.LOG_LEVEL ??= 'error';

const { OfflineProvider } = await import('@/lib/ai/providers/offline');
const { closeDb } = await import('@/lib/db/client');
const { getDocumentAi } = await import('@/lib/documents/ai');
const { sendPipelineJobs } = await import('@/lib/documents/enqueue');
const { loadCorpus } = await import('@/lib/eval/corpus');
const { extractDocument } = await import('@/lib/eval/extraction');
const { evaluateProvider, rates, runStepsDirectly, RECALL_AT } = await import('@/lib/eval/run');
const { drainLocalRunner, listRuns, startLocalRunner, stopLocalRunner, waitForRun } = await import('@/inngest/local');

type EvalResult = Awaited<ReturnType<typeof evaluateProvider>>;
type LoadedCorpus = Awaited<ReturnType<typeof loadCorpus>>;
type PipelineJob = Parameters<typeof sendPipelineJobs>[0][number];

const EVALUATED = ['offline', 'openai', 'self-hosted'] as const;
const UNFINISHED = ['queued', 'running', 'retrying', 'sleeping', 'waiting'] as const;

// Lets the local runner finish every pipeline run of the tenant, including runs waiting out a retry backoff.
async function throughRunner(jobs: PipelineJob[], tenantId: string): Promise<void> {
  await sendPipelineJobs(jobs);
  for (;;) {
    await drainLocalRunner(300_000);
    const open = await listRuns({ functionId: 'process-document', tenantId, status: [...UNFINISHED] });
    if (open.length === 0) return;
    for (const run of open) await waitForRun(run.id, 300_000);
  }
}

// The offline provider's own cost per document (classify + summarize + extract-actions), without the database.
async function offlineMsPerDocument(loaded: LoadedCorpus): Promise<{ mean: number; max: number; maxFile: string }> {
  const provider = new OfflineProvider();
  const times: { file: string; ms: number }[] = [];
  // The first document pays for loading the NLP model once; it is reported apart.
  await extractDocument(provider, loaded, loaded.corpus.documents[0] ?? (() => { throw new Error('empty corpus'); })());
  for (const doc of loaded.corpus.documents) times.push({ file: doc.file, ms: (await extractDocument(provider, loaded, doc)).nlpMs });
  const slowest = times.reduce((a, b) => (b.ms > a.ms ? b : a));
  return { mean: times.reduce((s, t) => s + t.ms, 0) / times.length, max: slowest.ms, maxFile: slowest.file };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

function printResults(results: EvalResult[], loaded: LoadedCorpus): void {
  const { corpus } = loaded;
  const count = (split: string) => [corpus.documents.filter((d) => d.split === split).length, corpus.questions.filter((q) => q.split === split).length];
  const [devDocs, devQs] = count('dev');
  const [heldDocs, heldQs] = count('heldout');
  console.log(`\nCorpus: ${corpus.documents.length} documents (${devDocs} dev, ${heldDocs} held out), ${corpus.questions.length} questions (${devQs} dev, ${heldQs} held out)\n`);
  const header = ['provider', 'split', 'act P', 'act R', 'owner', 'due', 'category', 'title', 'verify', `R@${RECALL_AT}`, 'answer', 'citation', 'processed'];
  const lines: string[][] = [];
  for (const r of results) {
    for (const split of ['dev', 'heldout'] as const) {
      const m = r.splits[split];
      const x = rates(m);
      lines.push([
        r.provider, split, pct(x.actionPrecision), pct(x.actionRecall), pct(x.ownerAccuracy), pct(x.dueAccuracy), pct(x.categoryAccuracy),
        pct(x.titleAccuracy), pct(x.verificationAccuracy), x.recallAt5.toFixed(2), pct(x.answerAccuracy), pct(x.citationAccuracy), `${m.processed}/${m.documents}`,
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
  for (const r of results) console.log(`\n${r.provider}: ${r.seconds.toFixed(1)} s for the whole run`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      verbose: { type: 'boolean', default: false },
      'show-heldout': { type: 'boolean', default: false },
      steps: { type: 'boolean', default: false },
      seed: { type: 'boolean', default: false },
      provider: { type: 'string' },
    },
  });
  const loaded = await loadCorpus();
  const available = EVALUATED.filter((name) => getDocumentAi().providers[name] !== undefined && (!values.provider || values.provider === name));
  if (available.length === 0) throw new Error(`provider ${values.provider ?? ''} is not configured here`);
  const skipped = EVALUATED.filter((name) => !available.includes(name));
  const byRunner = !values.steps && !values.seed;
  if (byRunner) await startLocalRunner({ backoffBaseMs: 200, backoffMaxMs: 2_000 });
  const ingest = values.seed ? 'seed' : values.steps ? (jobs: PipelineJob[]) => runStepsDirectly(jobs) : throughRunner;
  const results: EvalResult[] = [];
  for (const provider of available) {
    process.stderr.write(`evaluating ${provider}…\n`);
    results.push(await evaluateProvider(provider, loaded, ingest));
  }
  printResults(results, loaded);
  if (available.includes('offline')) {
    const t = await offlineMsPerDocument(loaded);
    console.log(`\noffline NLP time per document (classify + summarize + extract-actions, model loaded): mean ${t.mean.toFixed(1)} ms, max ${t.max.toFixed(0)} ms (${t.maxFile})`);
  }
  if (skipped.length > 0) console.log(`\nNot configured (skipped): ${skipped.join(', ')}. Set OPENAI_API_KEY or SELF_HOSTED_AI_URL to include them.`);
  for (const r of results) {
    const shown = r.misses.filter((m) => m.split === 'dev' || values['show-heldout']);
    const held = r.misses.length - r.misses.filter((m) => m.split === 'dev').length;
    console.log(`\n${r.provider}: ${r.misses.length - held} dev miss(es), ${held} held-out miss(es)${values.verbose ? '' : ' (--verbose lists the dev ones)'}`);
    if (values.verbose) for (const m of shown) console.log(`  - [${m.split}] ${m.text}`);
  }
}

try {
  await main();
} finally {
  await stopLocalRunner().catch(() => undefined);
  await closeDb().catch(() => undefined);
  rmSync(blobDir, { recursive: true, force: true });
}
