import { describe, expect, it } from 'vitest';
import { DEFAULT_CATEGORIES } from '@/lib/ai/classical/classify';
import { TranscriptionUnavailableError } from '@/lib/ai/errors';
import { OfflineProvider } from '@/lib/ai/providers/offline';
import { cosineSimilarity } from '@/lib/ai/text';
import { EMBEDDING_DIM } from '@/lib/ai/types';

const offline = new OfflineProvider({ now: () => new Date('2025-06-01T00:00:00Z') });

async function embedOne(text: string): Promise<number[]> {
  const { output } = await offline.embed({ texts: [text] });
  const vector = output.embeddings[0];
  if (vector === undefined) throw new Error('no vector');
  return vector;
}

describe('offline embeddings', () => {
  it('are deterministic, 384-dimensional and unit length', async () => {
    const a = await embedOne('The supplier shall deliver the goods within thirty days.');
    const b = await embedOne('The supplier shall deliver the goods within thirty days.');
    expect(a).toEqual(b);
    expect(a).toHaveLength(EMBEDDING_DIM);
    expect(Math.sqrt(a.reduce((s, v) => s + v * v, 0))).toBeCloseTo(1, 6);
  });

  it('place similar texts closer than unrelated ones', async () => {
    const invoiceA = await embedOne('Invoice 1042: total amount due 1,200 EUR, payment within 30 days.');
    const invoiceB = await embedOne('Invoice 2231 - amount due 980 EUR; payment due in 30 days.');
    const recipe = await embedOne('Whisk the eggs with sugar, then fold in the flour and bake for forty minutes.');
    expect(cosineSimilarity(invoiceA, invoiceB)).toBeGreaterThan(cosineSimilarity(invoiceA, recipe) + 0.2);
  });

  it('embed a batch in order and report low confidence', async () => {
    const { output, usage } = await offline.embed({ texts: ['alpha beta', 'gamma delta'] });
    expect(output.embeddings).toHaveLength(2);
    expect(output.embeddings[0]).toEqual(await embedOne('alpha beta'));
    expect(output.confidence).toBeLessThan(0.5);
    expect(usage).toEqual({ inputTokens: 0, outputTokens: 0, audioSeconds: 0 });
  });
});

describe('offline classification', () => {
  const cases: Array<[string, string]> = [
    [
      'INVOICE #INV-2024-118\nBill to: Acme GmbH\nQuantity 3, unit price 200 EUR. Subtotal 600 EUR, VAT 19%, total 714 EUR.\nAmount due by 2024-07-01. Please remit payment to the bank account below.',
      'invoice',
    ],
    [
      'This Services Agreement is entered into by and between the parties. The term begins on the effective date. Either party may terminate with notice. Confidentiality obligations survive termination. Governing law: Germany. Liability is limited.',
      'contract',
    ],
    [
      'Weekly sync - meeting notes\nAttendees: Alice, Bob, Carol\nAgenda: roadmap, hiring\nDiscussed the Q3 roadmap. Decided to postpone the launch.\nAction items: Bob to draft the plan by Friday.',
      'meeting-notes',
    ],
    [
      'Acceptable use policy. Scope: this policy applies to all employees and contractors. Staff must not share passwords. Violations of these guidelines are prohibited and follow the disciplinary procedure.',
      'policy',
    ],
  ];

  it.each(cases)('classifies obvious examples (%#)', async (text, expected) => {
    const { output } = await offline.classify({ text, categories: DEFAULT_CATEGORIES });
    expect(output.category).toBe(expected);
    expect(output.confidence).toBeGreaterThan(0.2);
    expect(output.confidence).toBeLessThanOrEqual(0.8);
  });

  it('falls back to "other" with very low confidence when nothing matches', async () => {
    const { output } = await offline.classify({ text: 'Whisk the eggs and bake.', categories: DEFAULT_CATEGORIES });
    expect(output).toMatchObject({ category: 'other', confidence: 0.1 });
  });

  it('reports a small margin as low confidence', async () => {
    const text = 'Invoice attached to the agreement between the parties; payment terms per contract clause 4.';
    const { output } = await offline.classify({ text, categories: DEFAULT_CATEGORIES });
    expect(output.confidence).toBeLessThan(0.5);
  });

  it('uses caller-provided categories and their descriptions, and picks frequent terms as tags', async () => {
    const { output } = await offline.classify({
      text: 'Kubernetes cluster upgrade: the cluster nodes were drained, pods rescheduled, cluster healthy.',
      categories: [
        { name: 'infrastructure', description: 'servers, clusters, kubernetes, deployment, nodes' },
        { name: 'finance', description: 'budget, invoices, spending' },
      ],
    });
    expect(output.category).toBe('infrastructure');
    expect(output.tags).toContain('cluster');
  });
});

describe('offline action items', () => {
  const notes = [
    'Weekly sync',
    'Action: Send the signed contract to legal by Friday',
    'TODO(@dave): fix the login bug',
    '- [ ] Carol to update the onboarding wiki',
    '- [x] Already done item',
    'Alice will prepare the Q3 budget by next Monday.',
    'Bob to book the venue by 2025-07-01.',
    'It will rain tomorrow. We will see. The team will be at the offsite.',
    'Welcome to the new quarter.',
  ].join('\n');

  it('finds explicit markers, checkboxes and "<Name> will/to … by <date>" with owners, resolved due dates and quotes', async () => {
    // Sunday 1 June 2025: "Friday" is the 6th, "next Monday" the 2nd.
    const { output } = await offline['extract-actions']({ text: notes, referenceDate: '2025-06-01' });
    expect(output.items).toEqual([
      { title: 'Send the signed contract to legal', dueHint: 'Friday', dueDate: '2025-06-06', quote: 'Action: Send the signed contract to legal by Friday' },
      { title: 'Fix the login bug', ownerHint: 'dave', quote: 'TODO(@dave): fix the login bug' },
      { title: 'Update the onboarding wiki', ownerHint: 'Carol', quote: 'Carol to update the onboarding wiki' },
      { title: 'Prepare the Q3 budget', ownerHint: 'Alice', dueHint: 'next Monday', dueDate: '2025-06-02', quote: 'Alice will prepare the Q3 budget by next Monday.' },
      { title: 'Book the venue', ownerHint: 'Bob', dueHint: '2025-07-01', dueDate: '2025-07-01', quote: 'Bob to book the venue by 2025-07-01.' },
    ]);
    // Commitments read from prose ("Alice will …") are less certain than marked items.
    expect(output.confidence).toBeLessThan(0.75);
  });

  it('returns no items (and says it is unsure) for prose without commitments', async () => {
    const { output } = await offline['extract-actions']({ text: 'The weather was fine. We will see what happens.' });
    expect(output.items).toEqual([]);
    expect(output.confidence).toBeLessThanOrEqual(0.4);
  });
});

describe('offline verification', () => {
  const contract = [
    'SERVICE AGREEMENT',
    'Date: 2025-03-01',
    '1. Scope',
    'The supplier provides hosting.',
    '2. Termination',
    'Either party may terminate with 30 days notice.',
    'Contract number: CN-4411',
    'Renewal on 2025-02-30.',
  ].join('\n');

  it('evaluates every rule kind with details', async () => {
    const { output } = await offline.verify({
      text: contract,
      rules: [
        { kind: 'required-section', name: 'Termination' },
        { kind: 'required-section', name: 'Liability' },
        { kind: 'required-field', name: 'Contract number', pattern: 'CN-\\d{4}' },
        { kind: 'forbidden-pattern', name: 'Unlimited liability', pattern: 'unlimited liability' },
        { kind: 'valid-dates' },
        { kind: 'max-age-days', days: 60 },
        { kind: 'max-age-days', days: 365 },
      ],
    });
    expect(output.results.map((r) => r.passed)).toEqual([true, false, true, true, false, false, true]);
    expect(output.results[2]?.detail).toContain('CN-4411');
    expect(output.results[4]?.detail).toContain('2025-02-30');
    expect(output.results[5]?.detail).toContain('92 day(s) old');
    expect(output.passed).toBe(false);
    expect(output.confidence).toBeLessThan(0.7);
  });

  it('is confident when every rule is exact', async () => {
    const { output } = await offline.verify({
      text: contract,
      rules: [{ kind: 'required-field', name: 'Contract number', pattern: 'CN-\\d{4}' }],
      asOf: '2025-03-02T00:00:00Z',
    });
    expect(output).toMatchObject({ passed: true, confidence: 0.95 });
  });
});

describe('offline summaries and answers', () => {
  const text = [
    'Reflex processed 12,000 documents in the second quarter.',
    'Processing time per document fell from 40 seconds to 12 seconds after the pipeline rewrite.',
    'The office plants were watered on Tuesdays.',
    'Most documents were invoices and contracts, and invoice processing drove the document growth.',
    'The team plans to add audio transcription for documents next quarter.',
  ].join(' ');

  it('summarizes extractively, in document order, with ~0.5 confidence', async () => {
    const { output } = await offline.summarize({ text, maxSentences: 2 });
    const first = output.summary.indexOf('Reflex processed');
    expect(first).toBe(0);
    expect(output.summary).not.toContain('plants');
    expect(output.confidence).toBe(0.5);
  });

  it('answers from the best matching context with a citation', async () => {
    const { output } = await offline.answer({
      question: 'How long does processing take per document?',
      contexts: [
        { id: 'doc-1', text: 'The office plants were watered on Tuesdays.' },
        { id: 'doc-2', text },
      ],
    });
    expect(output.citations[0]?.id).toBe('doc-2');
    expect(output.answer).toContain('40 seconds to 12 seconds');
    expect(output.confidence).toBeLessThanOrEqual(0.6);
  });

  it('says so when the contexts do not contain an answer', async () => {
    const { output } = await offline.answer({
      question: 'Who is the CEO of the company?',
      contexts: [{ id: 'doc-1', text: 'The office plants were watered on Tuesdays.' }],
    });
    expect(output.citations).toEqual([]);
    expect(output.confidence).toBeLessThan(0.1);
  });
});

describe('offline transcription', () => {
  it('throws the typed, retryable TranscriptionUnavailableError naming what to configure', async () => {
    const error = await offline.transcribe().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TranscriptionUnavailableError);
    expect(error).toMatchObject({ code: 'transcription_unavailable', retryable: true });
    expect(String(error)).toMatch(/needs a transcription provider: set ASSEMBLYAI_API_KEY or SELF_HOSTED_AI_URL/);
  });
});
