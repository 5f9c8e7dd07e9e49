// Deterministic synthetic business text for the ingestion and search scenarios: varied enough that hashed n-gram
// embeddings and full-text ranks spread out, cheap enough to generate 100k chunks in seconds.
const TOPICS = [
  'invoice', 'warranty', 'inspection', 'roofing', 'permit', 'schedule', 'budget', 'contract', 'supplier', 'delivery',
  'safety', 'training', 'audit', 'insurance', 'payroll', 'onboarding', 'migration', 'outage', 'renewal', 'forecast',
  'compliance', 'maintenance', 'procurement', 'shipment', 'incident', 'proposal', 'estimate', 'survey', 'zoning', 'plumbing',
];
const VERBS = ['reviewed', 'approved', 'delayed', 'flagged', 'updated', 'confirmed', 'rejected', 'scheduled', 'escalated', 'closed'];
const NOUNS = ['customer', 'crew', 'vendor', 'manager', 'inspector', 'team', 'client', 'board', 'auditor', 'site lead'];
const PLACES = ['Springfield', 'Riverside', 'Lakeview', 'Hillcrest', 'Oakdale', 'Fairmont', 'Brookside', 'Westfield'];
const NAMES = ['Alice', 'Bruno', 'Chen', 'Dana', 'Emeka', 'Farah', 'Goran', 'Hana'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];

/** mulberry32: a tiny seeded PRNG, so runs seed the same corpus. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

export function syntheticSentence(rand: () => number): string {
  const topic = pick(rand, TOPICS);
  const other = pick(rand, TOPICS);
  return `The ${pick(rand, NOUNS)} ${pick(rand, VERBS)} the ${topic} for the ${pick(rand, PLACES)} ${other} project after the ${pick(rand, TOPICS)} review.`;
}

export function syntheticParagraph(rand: () => number, sentences: number): string {
  return Array.from({ length: sentences }, () => syntheticSentence(rand)).join(' ');
}

/** A meeting note with a few paragraphs and action items the offline extractor recognises. */
export function syntheticMeetingNote(rand: () => number, n: number): { title: string; text: string } {
  const topic = pick(rand, TOPICS);
  const paragraphs = Array.from({ length: 3 }, () => syntheticParagraph(rand, 5));
  const actions = Array.from({ length: 3 }, () => `- Action: ${pick(rand, NAMES)} to send the ${pick(rand, TOPICS)} report by ${pick(rand, DAYS)}.`);
  return {
    title: `Bench ${topic} meeting ${n}`,
    text: [`# ${topic} sync ${n}`, '', ...paragraphs.flatMap((p) => [p, '']), '## Action items', ...actions].join('\n'),
  };
}

/** Search queries phrased from the same vocabulary, so both rankings have candidates. */
export function syntheticQuery(rand: () => number): string {
  return `${pick(rand, TOPICS)} ${pick(rand, TOPICS)} ${pick(rand, PLACES)}`;
}

export function syntheticQuestion(rand: () => number): string {
  return `What did the ${pick(rand, NOUNS)} decide about the ${pick(rand, TOPICS)} for ${pick(rand, PLACES)}?`;
}
