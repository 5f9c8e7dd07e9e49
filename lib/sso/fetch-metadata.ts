import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/http/errors';

// Issuer discovery, JWKS, token and userinfo requests, and SAML metadata URLs are fetched by the server from
// addresses an organization admin typed in. Without a guard that is a server-side request forgery: the admin
// could make the server read its own cloud metadata endpoint or an internal service. So: https only, public
// addresses only, no redirects, a time and a size limit. SSO_ALLOW_INSECURE_URLS=1 lifts the first two for tests
// and local identity providers (lib/env.ts says where it is refused).
// The address is checked twice: before the request, for a clear 422, and in the connection's own lookup, so a
// name that answers differently the second time (DNS rebinding) still cannot reach a private address.

export const METADATA_TIMEOUT_MS = 10_000;
export const METADATA_MAX_BYTES = 1024 * 1024;

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['64:ff9b::', 96], ['2001:db8::', 32], ['ff00::', 8]] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return !blocked.check(mapped[1], 'ipv4');
  return !blocked.check(address, 'ipv6');
}

export function insecureUrlsAllowed(): boolean {
  const env = getEnv();
  return env.SSO_ALLOW_INSECURE_URLS && !env.VERCEL;
}

const refuse = (message: string) => new AppError('validation_failed', message);

type ResolveHost = (host: string) => Promise<LookupAddress[]>;
const systemResolve: ResolveHost = (host) => lookup(host, { all: true });
let resolveHost = systemResolve;

/** Tests answer names themselves (a name that changes its answer); null restores the system resolver. */
export function setHostResolverForTests(resolver: ResolveHost | null): void {
  resolveHost = resolver ?? systemResolve;
}

async function publicAddressesOf(host: string): Promise<LookupAddress[]> {
  const family = isIP(host);
  let addresses: LookupAddress[];
  try {
    addresses = family ? [{ address: host, family }] : await resolveHost(host);
  } catch {
    throw refuse(`The host ${host} could not be found`);
  }
  if (addresses.length === 0 || addresses.some((a) => !isPublicAddress(a.address))) {
    throw refuse(`The host ${host} is a private or local address, which the server does not contact`);
  }
  return addresses;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

// net.connect's lookup hook: the socket connects to an address checked by this very lookup.
function lookupPublic(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  publicAddressesOf(hostname).then(
    (addresses) => {
      const [first] = addresses;
      if (options.all) callback(null, addresses);
      else if (first) callback(null, first.address, first.family);
    },
    (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), ''),
  );
}

const pinnedDispatcher = new Agent({ connect: { lookup: lookupPublic } });

/** Throws a 422 naming the problem when the server must not fetch this URL. */
export async function assertFetchableUrl(raw: string | URL): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('The URL is not valid');
  }
  const insecure = insecureUrlsAllowed();
  if (url.protocol !== 'https:' && !(insecure && url.protocol === 'http:')) throw refuse('The URL must start with https://');
  if (url.username || url.password) throw refuse('The URL must not contain a user name or password');
  if (insecure) return url;
  await publicAddressesOf(url.hostname.replace(/^\[|\]$/g, ''));
  return url;
}

async function readLimited(res: Response, max: number): Promise<Uint8Array<ArrayBuffer>> {
  if (!res.body) return new Uint8Array();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw refuse(`The response from the identity provider is larger than ${Math.round(max / 1024)} KB`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** fetch with the guard, for openid-client's customFetch and for SAML metadata. The body is read here (limited). */
export async function guardedFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  const url = await assertFetchableUrl(input);
  const signal = init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(METADATA_TIMEOUT_MS)]) : AbortSignal.timeout(METADATA_TIMEOUT_MS);
  // Node's fetch takes undici's dispatcher option, which the DOM RequestInit type does not declare.
  const options: RequestInit & { dispatcher?: Dispatcher } = { ...init, signal, redirect: 'manual' };
  if (!insecureUrlsAllowed()) options.dispatcher = pinnedDispatcher;
  let res: Response;
  try {
    res = await fetch(url, options);
  } catch (err) {
    const refused = err instanceof Error && err.cause instanceof AppError ? err.cause : null;
    if (refused) throw refused;
    throw refuse(`The identity provider at ${url.host} could not be reached (${err instanceof Error ? err.message : 'network error'})`);
  }
  if (res.status >= 300 && res.status < 400) throw refuse(`The identity provider at ${url.host} answered with a redirect; enter the final URL`);
  const body = await readLimited(res, METADATA_MAX_BYTES);
  return new Response(res.status === 204 ? null : new Blob([body]), { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** A metadata document (SAML metadata XML) as text; 422 when it cannot be fetched. */
export async function fetchMetadata(url: string): Promise<string> {
  const res = await guardedFetch(url, { headers: { accept: 'application/xml, text/xml, application/json, */*' } });
  if (!res.ok) throw refuse(`The metadata URL answered ${res.status}`);
  return res.text();
}
