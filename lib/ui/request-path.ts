import { headers } from 'next/headers';

// The path (with query) of the page being rendered, as proxy.ts passed it on; `fallback` when it is missing.
export async function requestPath(fallback: string): Promise<string> {
  const path = (await headers()).get('x-reflex-path');
  return path && path.startsWith('/') ? path : fallback;
}

export function withNext(page: string, next: string): string {
  return `${page}?next=${encodeURIComponent(next)}`;
}
