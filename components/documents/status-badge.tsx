import { Badge, type BadgeTone } from '@/components/ui';
import type { DocumentStatus } from './types';

const STATUS: Record<DocumentStatus, { label: string; tone: BadgeTone }> = {
  queued: { label: 'Queued', tone: 'gray' },
  processing: { label: 'Processing', tone: 'blue' },
  processed: { label: 'Processed', tone: 'green' },
  failed: { label: 'Failed', tone: 'red' },
  needs_transcription_provider: { label: 'Needs transcription', tone: 'amber' },
  cancelled: { label: 'Cancelled', tone: 'gray' },
};

export function statusLabel(status: DocumentStatus): string {
  return STATUS[status].label;
}

export function StatusBadge({ status, step }: { status: DocumentStatus; step?: string | null }) {
  const { label, tone } = STATUS[status];
  return (
    <span data-testid="document-status" data-status={status}>
      <Badge tone={tone} title={status === 'needs_transcription_provider' ? 'Configure a speech-to-text provider, then retry' : undefined}>
        {label}
        {status === 'processing' && step ? ` · ${step}` : ''}
      </Badge>
    </span>
  );
}
