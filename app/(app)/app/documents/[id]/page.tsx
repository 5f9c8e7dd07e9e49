import type { Metadata } from 'next';
import { DocumentDetailView } from '@/components/documents/document-detail';

export const metadata: Metadata = { title: 'Document' };

function offset(value: string | string[] | undefined): number | null {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

// ?start=&end= (character offsets of a cited chunk, from the assistant) highlight that passage.
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
  return <DocumentDetailView key={id} id={id} highlight={start !== null && end !== null ? { start, end } : null} />;
}
