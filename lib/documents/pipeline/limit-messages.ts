import type { PLANS } from '@/lib/db/schema';
import type { ExtractFailure } from '@/lib/workers/pipeline-protocol';
import type { WorkerFailureReason } from '@/lib/workers/pool';

type Plan = (typeof PLANS)[number];

// What a person reads on a failed document: which limit, in human units, and what to do about it.

const count = new Intl.NumberFormat('en-US');

function seconds(ms: number): string {
  const n = Math.round(ms / 1000);
  return `${count.format(n)} second${n === 1 ? '' : 's'}`;
}

const PLAN_NAMES: Record<Plan, string> = { standard: 'Standard', professional: 'Professional', enterprise: 'Enterprise' };

function whatToDo(plan: Plan): string {
  return plan === 'enterprise' ? 'Split it into smaller files.' : 'Split it or upgrade.';
}

export type DocumentNoun = 'PDF' | 'file' | 'transcript' | 'text';

export function tooManyPagesMessage(pages: number, limit: number, plan: Plan): string {
  return `This PDF has ${count.format(pages)} pages; the ${PLAN_NAMES[plan]} plan processes up to ${count.format(limit)}. ${whatToDo(plan)}`;
}

// `exact` is false when extraction stopped as soon as it passed the limit: the document has at least `chars`.
export function tooMuchTextMessage(noun: DocumentNoun, chars: number, limit: number, plan: Plan, exact: boolean): string {
  const size = exact ? count.format(chars) : `more than ${count.format(limit)}`;
  return `This ${noun} has ${size} characters of text; the ${PLAN_NAMES[plan]} plan processes up to ${count.format(limit)} per document. ${whatToDo(plan)}`;
}

export function extractFailureMessage(failure: ExtractFailure, noun: DocumentNoun, plan: Plan): string {
  switch (failure.code) {
    case 'too_many_pages':
      return tooManyPagesMessage(failure.pages, failure.limit, plan);
    case 'too_much_text':
      return tooMuchTextMessage(noun, failure.chars, failure.limit, plan, noun !== 'PDF');
    case 'unreadable_pdf':
      return `The PDF could not be read (${failure.reason}); it may be corrupt or password-protected`;
    case 'not_utf8':
      return 'The file is not valid UTF-8 text';
  }
}

// A worker that had to be stopped while working on this document: the file, not the service, is the problem.
// `activity` says what it was doing, e.g. "Reading this PDF".
export function workerFailureMessage(reason: WorkerFailureReason, detail: string, activity: string, limits: { memoryMb: number; timeoutMs: number }): string {
  switch (reason) {
    case 'out_of_memory':
      return (
        `${activity} needed more than the ${count.format(limits.memoryMb)} MB of memory one document may use, so it was stopped ` +
        '(a damaged file, or one built to expand enormously when opened). Export or print it to a new file, or split it.'
      );
    case 'timeout':
      return `${activity} needed more than ${seconds(limits.timeoutMs)} of processing, the limit for one document, so it was stopped. Split it into smaller files.`;
    case 'crashed':
      return `${activity} crashed the worker that processes documents (${detail}), so it was stopped. Export or print it to a new file, or split it.`;
    default:
      return `${activity} failed: ${detail}`;
  }
}
