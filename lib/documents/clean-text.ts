// Postgres text cannot hold NUL characters.
export function cleanText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}
