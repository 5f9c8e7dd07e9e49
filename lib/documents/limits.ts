import type { PLANS } from '@/lib/db/schema';

type Plan = (typeof PLANS)[number];

const MB = 1024 * 1024;

// Largest file a plan may upload (multipart). JSON text uploads have their own, smaller, limit for every plan.
export const UPLOAD_LIMITS: Record<Plan, number> = {
  standard: 10 * MB,
  professional: 50 * MB,
  enterprise: 200 * MB,
};
export const TEXT_JSON_LIMIT = 2 * MB;
// Room for the multipart envelope and the title field around the file itself.
export const MULTIPART_OVERHEAD = 64 * 1024;
export const MAX_TITLE_LENGTH = 300;

export function uploadLimitFor(plan: Plan): number {
  return UPLOAD_LIMITS[plan];
}

export interface ExtractionLimits {
  // PDF pages; checked before any page is read.
  pages: number;
  // Characters of extracted text (PDF text layer, text file, transcript or pasted text).
  chars: number;
}

// What the pipeline processes of one document. 2 million characters is about 1,000 pages of prose; a document
// over a limit ends `failed` with a message naming the limit, the plan and what to do.
export const EXTRACTION_LIMITS: Record<Plan, ExtractionLimits> = {
  standard: { pages: 500, chars: 2_000_000 },
  professional: { pages: 2_000, chars: 10_000_000 },
  enterprise: { pages: 10_000, chars: 40_000_000 },
};

export function extractionLimitsFor(plan: Plan): ExtractionLimits {
  return EXTRACTION_LIMITS[plan];
}
