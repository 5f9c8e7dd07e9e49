import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as authRoute from '@/app/api/auth/[...all]/route';
import * as membersRoute from '@/app/api/v1/members/route';
import { resetEnvForTests } from '@/lib/env';
import { installPeerAddressStamp } from '@/lib/http/peer-address';
import { clientIp, PEER_ADDRESS_HEADER, UNKNOWN_CLIENT } from '@/lib/http/request-meta';
import { resetLimitersForTests } from '@/lib/ratelimit/limits';
import { BASE, call, signUp } from '../helpers/http';

const ENV_KEYS = ['TRUSTED_PROXY_HOPS', 'VERCEL', 'RATE_LIMIT_AUTH_PER_MINUTE', 'RATE_LIMIT_IP_PER_MINUTE'] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

function setEnv(values: Partial<Record<(typeof ENV_KEYS)[number], string>>) {
  for (const k of ENV_KEYS) {
    const v = values[k] ?? saved[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvForTests();
  resetLimitersForTests();
}

afterEach(() => setEnv({}));
afterAll(() => setEnv({}));

const req = (headers: Record<string, string>) => new Request(`${BASE}/x`, { headers });

describe('clientIp trusts forwarded headers only as configured', () => {
  it('by default is the TCP peer, whatever X-Forwarded-For or X-Real-IP claim', () => {
    setEnv({});
    expect(clientIp(req({ 'x-forwarded-for': '1.2.3.4', 'x-real-ip': '5.6.7.8', [PEER_ADDRESS_HEADER]: '10.1.1.1' }))).toBe('10.1.1.1');
    expect(clientIp(req({ [PEER_ADDRESS_HEADER]: '::ffff:192.0.2.7' }))).toBe('192.0.2.7');
    expect(clientIp(req({ 'x-forwarded-for': '1.2.3.4' }))).toBe(UNKNOWN_CLIENT);
  });

  it('behind n trusted proxies is the n-th address from the right; what the client prepended is ignored', () => {
    setEnv({ TRUSTED_PROXY_HOPS: '1' });
    expect(clientIp(req({ 'x-forwarded-for': '6.6.6.6, 203.0.113.5', [PEER_ADDRESS_HEADER]: '10.0.0.2' }))).toBe('203.0.113.5');
    setEnv({ TRUSTED_PROXY_HOPS: '2' });
    expect(clientIp(req({ 'x-forwarded-for': '6.6.6.6, 203.0.113.5, 10.0.0.3', [PEER_ADDRESS_HEADER]: '10.0.0.2' }))).toBe('203.0.113.5');
    // Garbage where an address should be is not an address.
    setEnv({ TRUSTED_PROXY_HOPS: '1' });
    expect(clientIp(req({ 'x-forwarded-for': '"=1+1"', [PEER_ADDRESS_HEADER]: '10.0.0.2' }))).toBe('10.0.0.2');
  });

  it("on Vercel is the platform's own header", () => {
    setEnv({ VERCEL: '1' });
    expect(clientIp(req({ 'x-vercel-forwarded-for': '198.51.100.4', 'x-forwarded-for': '6.6.6.6' }))).toBe('198.51.100.4');
  });

  it('the server stamps every request with its socket peer, overwriting a copy the client sent', async () => {
    installPeerAddressStamp();
    const server = http.createServer((incoming, res) => res.end(String(incoming.headers[PEER_ADDRESS_HEADER])));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo; // listen(0, host) always yields an AddressInfo
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { [PEER_ADDRESS_HEADER]: '6.6.6.6', 'x-forwarded-for': '6.6.6.6' } });
      expect(await res.text()).toBe('127.0.0.1');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('limiters key on the real client', () => {
  it('rotating X-Forwarded-For does not reset the sign-in limiter', async () => {
    setEnv({ RATE_LIMIT_AUTH_PER_MINUTE: '3' });
    const victim = await signUp();
    const peer = `10.91.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call(authRoute.POST, {
        method: 'POST',
        path: '/api/auth/sign-in/email',
        body: { email: victim.email, password: 'wrong password here' },
        headers: { origin: BASE, [PEER_ADDRESS_HEADER]: peer, 'x-forwarded-for': `203.0.113.${i}` },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('the IP limiter runs before the caller is resolved, so a flood of bogus keys is cut off without lookups', async () => {
    setEnv({ RATE_LIMIT_IP_PER_MINUTE: '3' });
    const peer = `10.92.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const bogus = `rfx_${'a'.repeat(42)}${i}`;
      const res = await call(membersRoute.GET, { path: '/api/v1/members', headers: { authorization: `Bearer ${bogus}`, [PEER_ADDRESS_HEADER]: peer } });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});
