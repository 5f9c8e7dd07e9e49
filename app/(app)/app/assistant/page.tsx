import type { Metadata } from 'next';
import { AssistantView } from '@/components/assistant/assistant-view';

export const metadata: Metadata = { title: 'Assistant' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ?document=<id> limits answers to one document (the "Ask about it" button on a document page).
export default async function AssistantPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { document } = await searchParams;
  const id = Array.isArray(document) ? document[0] : document;
  const scopeId = id && UUID.test(id) ? id : null;
  return <AssistantView key={scopeId ?? 'all'} scopeId={scopeId} />;
}
