import type { Metadata } from 'next';
import { DocumentDetailView } from '@/components/documents/document-detail';

export const metadata: Metadata = { title: 'Document' };

function offset(value: string | string[] | undefined): number | null {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

const MAX_QUOTE = 1000;

// ?start=&end= (character offsets of a cited chunk, from the assistant) highlight that passage; ?quote= (the
// sentence a task came from) highlights where that sentence is found.
export default async function DocumentPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const query = await searchParams;
  const start = offset(query.start);
  const end = offset(query.end);
  const quote = typeof query.quote === 'string' && query.quote.trim() ? query.quote.slice(0, MAX_QUOTE) : null;
  return <DocumentDetailView key={id} id={id} highlight={start !== null && end !== null ? { start, end } : null} quote={quote} />;
}
