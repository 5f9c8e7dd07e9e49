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
