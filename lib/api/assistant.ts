import { z } from 'zod';
import { askBodySchema } from '@/lib/assistant/ask';
import { defineOperation } from '@/lib/http/operation';

export const askOp = defineOperation({
  id: 'askAssistant',
  method: 'POST',
  path: '/api/v1/assistant/ask',
  summary:
    'Answer a question from the organization\'s documents, streamed as NDJSON (application/x-ndjson): one JSON ' +
    'object per line, {"type":"sources"} first (the retrieved chunks, refs S1…), then {"type":"delta","text"} pieces ' +
    'of the answer, then {"type":"done"} with the answer, citations (document id, chunk id, snippet), provider and ' +
    'confidence; {"type":"error"} replaces done if answering fails after the stream started. 429 quota_exceeded ' +
    'once the monthly AI budget is spent.',
  tag: 'assistant',
  auth: 'tenant',
  permission: 'documents:read',
  body: askBodySchema,
  response: z.string().describe('NDJSON lines, each an AskEvent (sources, delta…, done | error)'),
  responseContentType: 'application/x-ndjson',
});
