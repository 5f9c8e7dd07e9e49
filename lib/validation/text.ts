import { z } from 'zod';

// Names and titles people type: trimmed, and refused, never silently cut, when too long, with a message that says
// which field and what its limit is. The forms show the same limit as a counter before anything is sent.
export function boundedText(label: string, max: number, min = 1) {
  return z
    .string()
    .trim()
    .min(min, min === 1 ? `${label} must not be empty` : `${label} must be at least ${min} characters`)
    .max(max, `${label} must be at most ${max} characters`);
}

// Name lengths shared by the API schemas and the forms (browser code imports these numbers, not zod).
export const LIMITS = {
  organizationName: 80,
  roleName: 60,
  roleDescription: 300,
  apiKeyName: 80,
  documentTitle: 300,
  taskTitle: 500,
  columnName: 60,
  label: 40,
  personName: 100,
  conversationTitle: 200,
} as const;
