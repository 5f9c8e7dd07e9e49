import type { AiOperation, Rule } from '@/lib/ai/types';
import type { AiSettingsView } from '@/lib/settings/ai-settings';

// Shapes of GET/PUT /api/v1/settings/ai (type-only imports: nothing server-side reaches the client bundle).
export type { AiOperation, AiSettingsView, Rule };
export type ProviderInfo = AiSettingsView['providers'][number];
export type EffectivePolicy = AiSettingsView['effective'][AiOperation];

export const OPERATIONS: readonly { op: AiOperation; label: string; hint: string }[] = [
  { op: 'transcribe', label: 'Transcribe', hint: 'Audio to text' },
  { op: 'embed', label: 'Embed', hint: 'Vectors for search' },
  { op: 'classify', label: 'Classify', hint: 'Category and tags' },
  { op: 'verify', label: 'Verify', hint: 'Rules that need judgement' },
  { op: 'summarize', label: 'Summarize', hint: 'Document summary' },
  { op: 'extract-actions', label: 'Action items', hint: 'Tasks found in text' },
  { op: 'answer', label: 'Answer', hint: 'Assistant answers' },
];

export interface PolicyDraft {
  primary: string;
  customFallback: boolean;
  fallback: string[];
  threshold: string;
  timeoutSeconds: string;
}

export type RuleKind = Rule['kind'];

export interface RuleDraft {
  key: number;
  kind: RuleKind;
  name: string;
  pattern: string;
  days: string;
}

export interface CategoryDraft {
  key: number;
  name: string;
  description: string;
}
