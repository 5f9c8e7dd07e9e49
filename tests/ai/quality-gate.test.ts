import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureDocumentAi } from '@/lib/documents/ai';
import { loadCorpus } from '@/lib/eval/corpus';
import { evaluateProvider, rates, type EvalResult, type Rates } from '@/lib/eval/run';

// Quality gate: the offline provider on the labelled corpus (corpus/), scored exactly as `npm run eval` scores it,
// must stay above the targets on the dev split and on the held-out split. The corpus goes into the database as the
// pipeline leaves it (lib/eval/seed.ts) and every question goes through the real retrieval and assistant. Quality,
// not timing: speed is `npm run eval`'s and `npm run bench`'s to report.

const TARGETS: Partial<Rates> = {
  actionRecall: 0.85,
  actionPrecision: 0.85,
  dueAccuracy: 0.9,
  categoryAccuracy: 0.85,
  recallAt5: 0.9,
  answerAccuracy: 0.7,
};

let result: EvalResult;

beforeAll(async () => {
  // No hosted provider here: every operation runs on the offline provider, whatever the machine's env says.
  configureDocumentAi({ env: {} });
  result = await evaluateProvider('offline', await loadCorpus(), 'seed');
}, 300_000);

afterAll(() => configureDocumentAi({}));

describe('offline provider quality on the labelled corpus', () => {
  it.each(['dev', 'heldout'] as const)('%s split meets every target', (split) => {
    const measured = rates(result.splits[split]);
    console.log(`${split}: ${JSON.stringify(Object.fromEntries(Object.entries(measured).map(([k, v]) => [k, Math.round(v * 100) / 100])))}`);
    for (const [metric, target] of Object.entries(TARGETS)) {
      // Object.entries widens the keys of TARGETS (a Partial<Rates>) to string.
      expect.soft(measured[metric as keyof Rates], `${split} ${metric}`).toBeGreaterThanOrEqual(target);
    }
    expect(result.splits[split].documents).toBeGreaterThan(0);
  });

  it('lists what it missed on the dev split (to read when the gate fails)', () => {
    const dev = result.misses.filter((m) => m.split === 'dev').map((m) => m.text);
    if (dev.length > 0) console.log(`dev misses:\n  ${dev.join('\n  ')}`);
    expect(result.splits.dev.questions + result.splits.heldout.questions).toBeGreaterThanOrEqual(60);
  });
});
