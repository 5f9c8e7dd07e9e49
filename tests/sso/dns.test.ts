import { randomInt } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import { setTxtResolverForTests } from '@/lib/sso/dns';
import { checkDomainDns } from '@/lib/sso/domains';
import { guardedFetch, isPublicAddress, setHostResolverForTests } from '@/lib/sso/fetch-metadata';
import { startDnsServer } from '../fakes/dns-server';

// Domain verification through node's real resolver (lib/sso/dns.ts), pointed by SSO_DNS_SERVERS at a DNS server
// on 127.0.0.1 that speaks the real wire format.
const records = new Map<string, string[]>();
let dns: { close: () => Promise<void> };

beforeAll(async () => {
  const port = randomInt(20_000, 40_000);
  dns = await startDnsServer(records, port);
  process.env.SSO_DNS_SERVERS = `127.0.0.1:${port}`;
  resetEnvForTests();
  setTxtResolverForTests(null);
});

afterAll(async () => {
  await dns.close();
});

describe('DNS TXT verification with the real resolver', () => {
  it('finds the right token among other TXT records, and tells a wrong token from a missing record', async () => {
    records.set('_reflex-challenge.acme.test', ['v=spf1 -all', 'reflex-domain-verification=tok-123']);
    expect((await checkDomainDns('acme.test', 'tok-123')).result).toBe('verified');
    expect((await checkDomainDns('acme.test', 'tok-999')).result).toBe('token_mismatch');
    expect((await checkDomainDns('nothing-here.test', 'tok-123')).result).toBe('record_missing');
  });
});

describe('addresses the server never fetches from', () => {
  it.each([
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.20.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['not-an-ip', false],
  ])('%s public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('a name that answers differently the second time (DNS rebinding)', () => {
  afterEach(() => setHostResolverForTests(null));

  it('is refused by the connection’s own lookup when the second answer is a private address', async () => {
    const answers = [[{ address: '93.184.216.34', family: 4 }], [{ address: '127.0.0.1', family: 4 }]];
    let calls = 0;
    setHostResolverForTests(async () => answers[Math.min(calls++, 1)] ?? []);
    await expect(guardedFetch('https://rebind.test/.well-known/openid-configuration')).rejects.toThrow(/private or local address/);
    // Once for the clear 422 up front, once when the socket connects.
    expect(calls).toBe(2);
  });
});
