import { describe, expect, it } from 'vitest';
import { safeNext } from '@/lib/ui/format';

// The `next` value as the sign-in page receives it: already decoded once from the query string, so "?next=/%09/x"
// arrives as "/\t/x" and "?next=/%2509/x" as "/%09/x". Both forms are listed.
describe('safeNext: the post-sign-in destination stays on this site', () => {
  it.each([
    ['//evil.com'],
    ['///evil.com'],
    ['/\\evil.com'],
    ['\\\\evil.com'],
    ['/\\/evil.com'],
    ['/%5cevil.com'],
    ['/%5Cevil.com'],
    ['/\t/evil.com'],
    ['/%09/evil.com'],
    ['/\n/evil.com'],
    ['/%0a/evil.com'],
    ['/%0D%0A/evil.com'],
    ['/\u0000/evil.com'],
    ['/%00/evil.com'],
    ['/%7f/evil.com'],
    ['/\u0085/evil.com'],
    ['/%C2%85/evil.com'],
    ['%2f%2fevil.com'],
    ['/%2f%2fevil.com'],
    ['/%2F/evil.com'],
    ['/.//evil.com'],
    ['/x/..//evil.com'],
    ['/%2e/%2fevil.com'],
    ['https://evil.com'],
    ['http:/evil.com'],
    ['javascript:alert(1)'],
    ['JavaScript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['evil.com'],
    ['@evil.com'],
    ['/%E0%A4%A'],
    [''],
    [undefined],
  ])('refuses %j', (next) => {
    expect(safeNext(next, '/app')).toBe('/app');
  });

  it.each([
    ['/app', '/app'],
    ['/app/tasks?view=board#col-2', '/app/tasks?view=board#col-2'],
    ['/invite/abc123def', '/invite/abc123def'],
    ['/app/search?q=a%2Fb', '/app/search?q=a%2Fb'],
    ['/app/./tasks', '/app/tasks'],
    ['/app/x/../tasks', '/app/tasks'],
    ['/app/@me', '/app/@me'],
  ])('keeps %j as %j', (next, kept) => {
    expect(safeNext(next, '/fallback')).toBe(kept);
  });

  it('uses the first value when the parameter is repeated', () => {
    expect(safeNext(['/app/tasks', '//evil.com'], '/app')).toBe('/app/tasks');
    expect(safeNext(['//evil.com', '/app/tasks'], '/app')).toBe('/app');
  });
});
