// A request to run (or resume) the document pipeline for one generation of a document. Sent as the
// `document/uploaded` event once the transaction that queued the document has committed.
export interface PipelineJob {
  tenantId: string;
  documentId: string;
  generation: number;
}

export type Enqueue = (job: PipelineJob) => void;

// Inngest drops an event whose id it has seen in the last 24 h, so re-sending the same generation (the startup
// sweep after a crash) cannot start a second run through Inngest Cloud.
export function pipelineEventId(job: PipelineJob): string {
  return `document-uploaded-${job.documentId}-${job.generation}`;
}
