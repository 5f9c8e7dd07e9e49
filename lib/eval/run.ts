import { randomBytes, randomUUID } from 'node:crypto';
import { AI_OPERATIONS, type AiProvider } from '@/lib/ai/types';
import { answerStream } from '@/lib/assistant/stream';
import { askEventSchema, CANDIDATE_FACTOR, DEFAULT_CONTEXT_CHUNKS, preparedFrom } from '@/lib/assistant/ask';
import { PERMISSIONS } from '@/lib/auth/permissions';
import { documentChunks, documents as documentsTable } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { getDocumentAi } from '@/lib/documents/ai';
import { aiSettingsSchema, getAiSettings } from '@/lib/documents/ai-settings';
import { createDocument } from '@/lib/documents/ingest';
import { stageFileBytes } from '@/lib/documents/multipart';
import type { PipelineJob } from '@/lib/documents/jobs';
import { claimDocument, finalizeDocument } from '@/lib/documents/pipeline/state';
import { chunkStep, classifyStep, embedStep, extractStep, summarizeStep, verifyStep } from '@/lib/documents/pipeline/steps';
import { retrieveChunks } from '@/lib/search/search';
import { updateAiSettings } from '@/lib/settings/ai-settings';
import type { Access } from '@/lib/tenancy/access';
import { provisionTenant } from '@/lib/tenancy/provision';
import type { CorpusDocument, CorpusQuestion, LoadedCorpus, Split } from './corpus';
import { factsFound, scoreActions, titleMatches } from './score';
import { seedCorpus } from './seed';
import { NO_POLICY } from '@/lib/tenancy/security-policy';

// One provider's run over the corpus, through the application's own code: upload (createDocument), the pipeline's
// steps, retrieval (retrieveChunks) and the assistant (prepareAsk + answerStream, reading its NDJSON). `ingest`
// chooses who drives the pipeline steps: the local Inngest runner (as in production; the caller starts it), or
// this function calling the same step functions in order (seconds instead of a minute, for the CI quality gate).

export const RECALL_AT = 5;
// Chunks retrieved per question: reduced to a document ranking for recall@5, and to the assistant's context exactly
// as POST /assistant/ask does (prepareAsk retrieves maxSources × CANDIDATE_FACTOR).
const RETRIEVED_CHUNKS = DEFAULT_CONTEXT_CHUNKS * CANDIDATE_FACTOR;

// 'seed' writes the provider's outputs straight into the tenant (lib/eval/seed.ts); a function receives the queued
// pipeline jobs of the uploaded corpus and must run them to the end.
export type Ingest = 'seed' | ((jobs: PipelineJob[], tenantId: string) => Promise<void>);

export interface SplitMetrics {
  documents: number;
  processed: number;
  actionsExpected: number;
  actionsFound: number;
  actionsMatched: number;
  ownersRight: number;
  duesRight: number;
  categoriesRight: number;
  titlesRight: number;
  verifiedRight: number;
  questions: number;
  recall: number;
  answersRight: number;
  citationsRight: number;
}

export interface EvalResult {
  provider: string;
  splits: Record<Split, SplitMetrics>;
  seconds: number;
  misses: { split: Split; text: string }[];
}

function emptyMetrics(): SplitMetrics {
  return {
    documents: 0, processed: 0, actionsExpected: 0, actionsFound: 0, actionsMatched: 0, ownersRight: 0, duesRight: 0,
    categoriesRight: 0, titlesRight: 0, verifiedRight: 0, questions: 0, recall: 0, answersRight: 0, citationsRight: 0,
  };
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

// Runs the pipeline's steps for each job in order, exactly as process-document does, without the runner.
export async function runStepsDirectly(jobs: PipelineJob[]): Promise<void> {
  for (const job of jobs) {
    const claim = await claimDocument(job, randomUUID());
    if (!claim.claimed) continue;
    await extractStep(job);
    await chunkStep(job);
    for (let i = 0; i < 100; i++) {
      const embedded = await embedStep(job);
      if (embedded.state !== 'done' || embedded.remaining === 0) break;
    }
    await classifyStep(job);
    await verifyStep(job);
    await summarizeStep(job);
    await finalizeDocument(job);
  }
}

async function readAnswer(stream: ReadableStream<Uint8Array>) {
  const text = await new Response(stream).text();
  const events = text.trim().split('\n').map((line) => askEventSchema.parse(JSON.parse(line)));
  const done = events.find((e) => e.type === 'done');
  const error = events.find((e) => e.type === 'error');
  return { done: done?.type === 'done' ? done : undefined, error: error?.type === 'error' ? error.error.message : undefined };
}

function providerNamed(name: string): AiProvider {
  const providers: Readonly<Record<string, AiProvider | undefined>> = getDocumentAi().providers;
  const p = providers[name];
  if (!p) throw new Error(`provider ${name} is not configured`);
  return p;
}

// Uploads every corpus file as people do (as a file, without a title: the title is the pipeline's to find), then
// lets `run` take the queued pipeline jobs to the end.
async function upload(loaded: LoadedCorpus, access: Access, run: (jobs: PipelineJob[], tenantId: string) => Promise<void>): Promise<Map<string, string>> {
  const jobs: PipelineJob[] = [];
  const fileOf = new Map<string, string>();
  const scope = access.actor.type === 'user' ? { userId: access.actor.userId } : {};
  for (const doc of loaded.corpus.documents) {
    const f = loaded.files.get(doc.file);
    if (!f) continue;
    const file = await stageFileBytes(access.tenantId, { bytes: f.bytes, filename: f.filename, type: f.mime, title: undefined });
    const created = await withTenant(access.tenantId, (tx) => createDocument(tx, access, { source: 'file', file }, (job) => jobs.push(job)), scope);
    fileOf.set(created.id, doc.file);
  }
  await run(jobs, access.tenantId);
  return fileOf;
}

export async function evaluateProvider(provider: string, loaded: LoadedCorpus, ingest: Ingest): Promise<EvalResult> {
  const started = Date.now();
  const { corpus } = loaded;
  const suffix = randomBytes(3).toString('hex');
  const { tenant, owner } = await provisionTenant({ name: `Eval ${provider}`, ownerEmail: `eval-${provider}-${suffix}@example.test`, plan: 'enterprise' });
  const tenantId = tenant.id;
  const scope = { userId: owner.userId };
  await withTenant(
    tenantId,
    (tx) => updateAiSettings(tx, tenantId, aiSettingsSchema.parse({ privacyMode: false, rules: corpus.rules, policies: pinnedPolicies(provider) })),
    scope,
  );
  const access: Access = { tenantId, plan: tenant.plan, actor: { type: 'user', userId: owner.userId }, permissions: new Set(PERMISSIONS), roleKey: 'owner', policy: NO_POLICY, billing: 'active' };

  const fileOf = ingest === 'seed' ? await seedCorpus(tenantId, providerNamed(provider), loaded) : await upload(loaded, access, ingest);
  const splits: Record<Split, SplitMetrics> = { dev: emptyMetrics(), heldout: emptyMetrics() };
  const misses: EvalResult['misses'] = [];
  const rows = await withTenant(tenantId, (tx) => tx.select().from(documentsTable));
  const byFile = new Map<string, CorpusDocument>(corpus.documents.map((d) => [d.file, d]));
  for (const row of rows) {
    const expected = byFile.get(fileOf.get(row.id) ?? '');
    if (!expected) continue;
    const m = splits[expected.split];
    const miss = (text: string) => misses.push({ split: expected.split, text: `${expected.file}: ${text}` });
    m.documents++;
    if (row.status === 'processed') m.processed++;
    else miss(`${row.status}${row.error ? ` (${row.error})` : ''}`);
    if (row.category === expected.category) m.categoriesRight++;
    else miss(`category ${row.category ?? 'none'}, expected ${expected.category}`);
    if (titleMatches(row.title, expected.title)) m.titlesRight++;
    else miss(`title "${row.title}", expected ${JSON.stringify(expected.title)}`);
    if (row.verification?.passed === expected.verified) m.verifiedRight++;
    else miss(`verification ${row.verification ? (row.verification.passed ? 'passed' : 'failed') : 'missing'}, expected ${expected.verified ? 'pass' : 'fail'}`);
    const actions = scoreActions(row.actionItems ?? [], expected.actionItems);
    m.actionsExpected += actions.expected;
    m.actionsFound += actions.found;
    m.actionsMatched += actions.matched;
    m.ownersRight += actions.ownersRight;
    m.duesRight += actions.duesRight;
    for (const text of actions.misses) miss(text);
  }

  const settings = await withTenant(tenantId, getAiSettings);
  const chunkDocument = new Map<string, string>();
  for (const c of await withTenant(tenantId, (tx) => tx.select({ id: documentChunks.id, documentId: documentChunks.documentId }).from(documentChunks))) {
    chunkDocument.set(c.id, c.documentId);
  }
  for (const [i, q] of corpus.questions.entries()) {
    await scoreQuestion({ provider, tenantId, settings, q, i, fileOf, chunkDocument, metrics: splits[q.split], misses });
  }
  return { provider, splits, seconds: (Date.now() - started) / 1000, misses };
}

interface QuestionRun {
  provider: string;
  tenantId: string;
  settings: Awaited<ReturnType<typeof getAiSettings>>;
  q: CorpusQuestion;
  i: number;
  fileOf: Map<string, string>;
  chunkDocument: Map<string, string>;
  metrics: SplitMetrics;
  misses: EvalResult['misses'];
}

async function scoreQuestion(run: QuestionRun): Promise<void> {
  const { q, metrics: m, fileOf, tenantId } = run;
  const miss = (text: string) => run.misses.push({ split: q.split, text: `"${q.question}": ${text}` });
  m.questions++;
  const retrieval = await withTenant(tenantId, (tx) =>
    retrieveChunks(tx, run.settings, { tenantId, query: q.question, limit: RETRIEVED_CHUNKS, idempotencyKey: `eval:${run.provider}:${run.i}` }),
  );
  const ranking = [...new Set(retrieval.chunks.map((c) => fileOf.get(c.documentId) ?? c.documentId))];
  const top = ranking.slice(0, RECALL_AT);
  const found = q.relevant.filter((f) => top.includes(f)).length;
  m.recall += found / q.relevant.length;
  if (found < q.relevant.length) miss(`top ${RECALL_AT} = ${top.join(', ')}`);

  const requestId = `eval-${run.provider}-${run.i}`;
  const prepared = preparedFrom({ tenantId, question: q.question, settings: run.settings, retrieval, maxSources: DEFAULT_CONTEXT_CHUNKS });
  const { done, error } = await readAnswer(answerStream(prepared, { requestId, committed: Promise.resolve() }));
  if (!done) {
    miss(`no answer (${error ?? 'stream ended early'})`);
    return;
  }
  const facts = factsFound(done.answer, q.facts);
  if (facts.missing.length === 0) m.answersRight++;
  else miss(`answer lacks ${facts.missing.map((f) => `"${f}"`).join(', ')}: ${JSON.stringify(done.answer.slice(0, 300))}`);
  const citedFiles = done.citations.map((c) => fileOf.get(run.chunkDocument.get(c.chunkId) ?? c.documentId) ?? c.documentId);
  if (citedFiles.length > 0 && citedFiles.every((f) => q.relevant.includes(f))) m.citationsRight++;
  else miss(`citations point at ${citedFiles.length === 0 ? 'nothing' : citedFiles.join(', ')}`);
}

export interface Rates {
  actionRecall: number;
  actionPrecision: number;
  ownerAccuracy: number;
  dueAccuracy: number;
  categoryAccuracy: number;
  titleAccuracy: number;
  verificationAccuracy: number;
  recallAt5: number;
  answerAccuracy: number;
  citationAccuracy: number;
}

const ratio = (n: number, of: number) => (of === 0 ? 1 : n / of);

export function rates(m: SplitMetrics): Rates {
  return {
    actionRecall: ratio(m.actionsMatched, m.actionsExpected),
    actionPrecision: ratio(m.actionsMatched, m.actionsFound),
    ownerAccuracy: ratio(m.ownersRight, m.actionsMatched),
    dueAccuracy: ratio(m.duesRight, m.actionsMatched),
    categoryAccuracy: ratio(m.categoriesRight, m.documents),
    titleAccuracy: ratio(m.titlesRight, m.documents),
    verificationAccuracy: ratio(m.verifiedRight, m.documents),
    recallAt5: ratio(m.recall, m.questions),
    answerAccuracy: ratio(m.answersRight, m.questions),
    citationAccuracy: ratio(m.citationsRight, m.questions),
  };
}
