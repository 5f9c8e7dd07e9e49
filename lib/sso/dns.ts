import { Resolver } from 'node:dns/promises';
import { getEnv } from '@/lib/env';

export type TxtResolver = (name: string) => Promise<string[][]>;

const DNS_TIMEOUT_MS = 5_000;

// node:dns with the servers in SSO_DNS_SERVERS (else the system's), one try per server, a short timeout.
function systemResolver(): TxtResolver {
  const resolver = new Resolver({ timeout: DNS_TIMEOUT_MS, tries: 1 });
  const servers = getEnv().SSO_DNS_SERVERS;
  if (servers) resolver.setServers(servers.split(','));
  return (name) => resolver.resolveTxt(name);
}

let override: TxtResolver | null = null;

/** Tests answer TXT lookups themselves; null goes back to real DNS. */
export function setTxtResolverForTests(resolver: TxtResolver | null): void {
  override = resolver;
}

export function resolveTxt(name: string): Promise<string[][]> {
  return (override ?? systemResolver())(name);
}
