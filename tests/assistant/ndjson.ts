import { expect } from 'vitest';

export interface AskEvents {
  events: any[];
  sources: any[];
  answer: string;
  deltas: string;
  done: any;
  error: any;
}

// Parses an NDJSON body as the browser does, line by line, and checks the stream's order: sources, delta…, done|error.
export function parseAsk(body: unknown): AskEvents {
  expect(typeof body).toBe('string');
  const events = String(body)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
  expect(events[0]?.type).toBe('sources');
  const last = events[events.length - 1];
  expect(['done', 'error']).toContain(last?.type);
  for (const middle of events.slice(1, -1)) expect(middle.type).toBe('delta');
  return {
    events,
    sources: events[0].sources,
    deltas: events.filter((e) => e.type === 'delta').map((e) => e.text).join(''),
    answer: last?.type === 'done' ? last.answer : '',
    done: last?.type === 'done' ? last : undefined,
    error: last?.type === 'error' ? last.error : undefined,
  };
}
