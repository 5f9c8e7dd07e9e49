import { titleFromText } from '@/lib/ai/nlp/title';
import { MAX_TITLE_LENGTH } from './limits';

// The title a file upload gets before its text is known: the file name without its extension.
export function filenameTitle(filename: string): string {
  const base = filename.replace(/\.[^.]+$/, '').trim();
  return (base || filename).slice(0, MAX_TITLE_LENGTH);
}

// After extraction: a document still carrying its file name as title (nobody named it) takes the title its text
// gives itself. Undefined when the title should stay as it is.
export function derivedTitle(doc: { title: string; filename: string | null }, text: string): string | undefined {
  if (!doc.filename || doc.title !== filenameTitle(doc.filename)) return undefined;
  const title = titleFromText(text)?.slice(0, MAX_TITLE_LENGTH);
  return title && title !== doc.title ? title : undefined;
}
