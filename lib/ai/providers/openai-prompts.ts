import { z } from 'zod';
import {
  confidenceSchema,
  type AnswerInput,
  type ClassifyInput,
  type ExtractActionsInput,
  type SummarizeInput,
} from '@/lib/ai/types';

// Prompts and the zod schemas their JSON replies must satisfy. Each prompt names the exact JSON shape because
// `response_format: json_object` guarantees JSON, not the shape.

export interface ChatPrompt<T> {
  system: string;
  user: string;
  schema: z.ZodType<T>;
}

// Models often write null for "absent"; the domain types use undefined.
const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v === null || v === undefined || v.trim() === '' ? undefined : v.trim()));

function clip(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}\n[truncated]` : text;
}

export function classifyPrompt(input: ClassifyInput, maxChars: number) {
  const names = input.categories.map((c) => c.name);
  const schema = z.object({
    category: z.string().refine((n) => names.includes(n), { message: `category must be one of: ${names.join(', ')}` }),
    tags: z
      .array(z.string())
      .max(20)
      .transform((tags) => tags.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0).slice(0, 10)),
    confidence: confidenceSchema,
  });
  const list = input.categories.map((c) => `- ${c.name}${c.description ? `: ${c.description}` : ''}`).join('\n');
  return {
    system:
      'You classify business documents. Reply with a JSON object only: ' +
      '{"category": <one category name, copied exactly>, "tags": [<up to 5 short lowercase topic tags>], ' +
      '"confidence": <number 0..1, the probability that the category is right>}.',
    user: `Categories:\n${list}\n\nDocument:\n${clip(input.text, maxChars)}`,
    schema,
  } satisfies ChatPrompt<z.infer<typeof schema>>;
}

export function summarizePrompt(input: SummarizeInput, maxChars: number) {
  const schema = z.object({ summary: z.string().min(1), confidence: confidenceSchema });
  const sentences = input.maxSentences ?? 3;
  return {
    system:
      `Summarize the document in at most ${sentences} sentences, stating only what the document says. ` +
      'Reply with a JSON object only: {"summary": <string>, "confidence": <number 0..1, how faithfully and ' +
      'completely the summary covers the document>}.',
    user: clip(input.text, maxChars),
    schema,
  } satisfies ChatPrompt<z.infer<typeof schema>>;
}

// A date the model resolved: kept only if it is a real calendar date, otherwise the item keeps its hint alone.
const resolvedDate = z
  .string()
  .nullish()
  .transform((v) => {
    const d = v?.trim() ?? '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return undefined;
    return new Date(`${d}T00:00:00Z`).toISOString().startsWith(d) ? d : undefined;
  });

export function extractActionsPrompt(input: ExtractActionsInput, maxChars: number) {
  const schema = z.object({
    items: z
      .array(
        z.object({ title: z.string().min(1).max(500), ownerHint: optionalText, dueHint: optionalText, dueDate: resolvedDate, quote: optionalText }),
      )
      .max(200)
      .transform((items) =>
        items.map((i) => ({
          title: i.title,
          ...(i.ownerHint ? { ownerHint: i.ownerHint.slice(0, 200) } : {}),
          ...(i.dueHint ? { dueHint: i.dueHint.slice(0, 200) } : {}),
          ...(i.dueDate ? { dueDate: i.dueDate } : {}),
          ...(i.quote ? { quote: i.quote.slice(0, 1000) } : {}),
        })),
      ),
    confidence: confidenceSchema,
  });
  const dated = input.referenceDate
    ? `The document is dated ${input.referenceDate}: resolve relative due dates ("Friday", "next week", "end of month") from that day, not from today. `
    : '';
  return {
    system:
      'Extract the action items stated in the text: tasks someone committed to or was assigned, including every item ' +
      'listed under an "Action items" or "Next steps" heading or in an owner/task table. Do not invent any. ' +
      dated +
      'Reply with a JSON object only: {"items": [{"title": <short imperative task, without the owner or the due ' +
      'date>, "ownerHint": <person as written, or null>, "dueHint": <due date or time phrase as written, or null>, ' +
      '"dueDate": <the due date as YYYY-MM-DD, or null if none can be resolved>, "quote": <the sentence or line the ' +
      'item comes from, copied exactly>}], "confidence": <number 0..1>}.',
    user: clip(input.text, maxChars),
    schema,
  } satisfies ChatPrompt<z.infer<typeof schema>>;
}

const HISTORY_ANSWER_CHARS = 1000;

export function answerPrompt(input: AnswerInput, maxChars: number) {
  const ids = new Set(input.contexts.map((c) => c.id));
  const schema = z.object({
    answer: z.string(),
    // A citation of a context that was never provided is a hallucination: reject the whole reply.
    citations: z.array(
      z.object({
        id: z.string().refine((id) => ids.has(id), { message: 'citation id is not one of the provided contexts' }),
        snippet: z.string(),
      }),
    ),
    confidence: confidenceSchema,
  });
  const perContext = Math.max(500, Math.floor(maxChars / Math.max(1, input.contexts.length)));
  const contexts = input.contexts.map((c) => `[${c.id}]\n${clip(c.text, perContext)}`).join('\n\n');
  // Earlier turns only tell the model what a follow-up refers to; the answer still comes from the contexts.
  const history = (input.history ?? []).map((h) => `Q: ${h.question}\nA: ${clip(h.answer, HISTORY_ANSWER_CHARS)}`).join('\n\n');
  return {
    system:
      'Answer the question using only the provided contexts, each introduced by its [id]. When the question asks ' +
      'for a list (all the action items, the findings), give every item the contexts contain, one per line. ' +
      'Reply with a JSON object only: {"answer": <string>, "citations": [{"id": <context id>, "snippet": <short ' +
      'exact quote from that context>}], "confidence": <number 0..1>}. If the contexts do not contain the answer, ' +
      'say so, with no citations and a low confidence.' +
      (history ? ' The earlier conversation is given only to resolve what the question refers to.' : ''),
    user: `${history ? `Earlier in this conversation:\n${history}\n\n` : ''}Contexts:\n${contexts}\n\nQuestion: ${input.question}`,
    schema,
  } satisfies ChatPrompt<z.infer<typeof schema>>;
}

export function sectionsPrompt(text: string, sectionNames: readonly string[], maxChars: number) {
  const schema = z.object({
    sections: z
      .array(z.object({ name: z.string(), present: z.boolean(), evidence: optionalText }))
      .refine((found) => sectionNames.every((n) => found.some((f) => f.name === n)), {
        message: 'every requested section must be judged',
      }),
    confidence: confidenceSchema,
  });
  return {
    system:
      'Decide for each requested section whether the document contains it, even under a different heading. ' +
      'Reply with a JSON object only: {"sections": [{"name": <requested name, copied exactly>, "present": ' +
      '<boolean>, "evidence": <short quote, or null>}], "confidence": <number 0..1>}.',
    user: `Sections: ${JSON.stringify(sectionNames)}\n\nDocument:\n${clip(text, maxChars)}`,
    schema,
  } satisfies ChatPrompt<z.infer<typeof schema>>;
}
