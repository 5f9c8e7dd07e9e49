import { describe, expect, it } from 'vitest';
import { diversify } from '@/lib/assistant/ask';
import type { RetrievedChunk } from '@/lib/search/search';

function chunk(id: string, documentId: string): RetrievedChunk {
  return {
    chunkId: id, documentId, documentTitle: documentId, documentKind: 'text', category: null, ord: 0, charStart: 0, charEnd: 1,
    snippet: '', highlights: [], text: '', score: 1, vectorRank: null, vectorSimilarity: null, textRank: null, textScore: null,
  };
}

describe('diversify', () => {
  it('keeps retrieval order but lets no document take more than three of the places', () => {
    const ranked = [chunk('a1', 'A'), chunk('a2', 'A'), chunk('a3', 'A'), chunk('a4', 'A'), chunk('b1', 'B'), chunk('a5', 'A'), chunk('c1', 'C'), chunk('b2', 'B')];
    expect(diversify(ranked, 6).map((c) => c.chunkId)).toEqual(['a1', 'a2', 'a3', 'b1', 'c1', 'b2']);
    expect(diversify(ranked, 2).map((c) => c.chunkId)).toEqual(['a1', 'a2']);
  });
});
