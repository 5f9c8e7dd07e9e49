import { z } from 'zod';

// The retrieved passages an answer is built from, and the ones it cites: shared by the answer stream and the
// stored conversation turns.
export const askSourceSchema = z
  .object({
    ref: z.string().describe('Short id the model cites, S1, S2, …'),
    chunkId: z.uuid(),
    documentId: z.uuid(),
    documentTitle: z.string(),
    ord: z.number().int(),
    charStart: z.number().int(),
    charEnd: z.number().int(),
    snippet: z.string(),
    score: z.number(),
  })
  .meta({ id: 'AskSource' });
export type AskSource = z.infer<typeof askSourceSchema>;

export const askCitationSchema = askSourceSchema
  .pick({ ref: true, chunkId: true, documentId: true, documentTitle: true, ord: true, charStart: true, charEnd: true })
  .extend({ snippet: z.string().describe('The passage the answer relies on, quoted from the chunk') })
  .meta({ id: 'AskCitation' });
export type AskCitation = z.infer<typeof askCitationSchema>;
