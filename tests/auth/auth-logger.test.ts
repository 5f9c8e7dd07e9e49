import { afterEach, expect, it, vi } from 'vitest';
import { getAuth } from '@/lib/auth/auth';

// better-auth's own messages are one JSON object per line, like every other log line, and never coloured text.

afterEach(() => {
  vi.restoreAllMocks();
});

it('routes better-auth logs through the JSON logger', async () => {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  const ctx = await (await getAuth()).$context;
  const circular: Record<string, unknown> = { name: 'ctx' };
  circular.self = circular;
  ctx.logger.error('Something failed', new Error('boom'), circular);
  const line = lines.find((l) => l.includes('Something failed'));
  expect(line).toBeDefined();
  expect(line).not.toContain('\u001b[');
  const parsed = JSON.parse(line ?? '{}');
  expect(parsed).toMatchObject({ level: 'error', message: 'better-auth: Something failed', source: 'better-auth' });
  expect(parsed.details[0]).toBe('boom');
  expect(parsed.details[1]).toContain('[object Object]');
});
