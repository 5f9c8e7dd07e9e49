import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

// A real OpenID Provider (oidc-provider 9) on 127.0.0.1, for SSO tests. Sign-in needs no form: the interaction
// endpoint signs in whoever `signInAs` names and grants what the client asked for. `tamperIdToken` rewrites the
// next ID token's claims and signs it again with the provider's own key, so a test can send a well-signed token
// with a wrong issuer, audience or expiry (what a misconfigured or hostile IdP would send).

export interface IdpUser {
  sub: string;
  email: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export interface OidcIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  addUser(user: IdpUser): void;
  signInAs(sub: string): void;
  tamperIdToken(fn: ((claims: Record<string, unknown>) => Record<string, unknown>) | null): void;
  close(): Promise<void>;
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export async function startOidcIdp(opts: { redirectUris: string[]; clientId?: string; clientSecret?: string }): Promise<OidcIdp> {
  const users = new Map<string, IdpUser>();
  let current: string | null = null;
  let tamper: ((claims: Record<string, unknown>) => Record<string, unknown>) | null = null;
  const clientId = opts.clientId ?? `client-${randomUUID().slice(0, 8)}`;
  const clientSecret = opts.clientSecret ?? randomUUID();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };

  let handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => handler(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const config: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk] },
    findAccount: (_ctx, sub) => {
      const user = users.get(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: () => ({ ...user }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomUUID()] },
  };
  const provider = new Provider(issuer, config);
  const callback = provider.callback();

  // The provider signs with RS256 and the key above; a tampered token is signed the same way, so only its claims differ.
  function resign(idToken: string, fn: (claims: Record<string, unknown>) => Record<string, unknown>): string {
    const [header, payload] = idToken.split('.');
    const claims = fn(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')));
    const signingInput = `${header}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey);
    return `${signingInput}.${b64url(signature)}`;
  }

  async function interact(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      if (!current) throw new Error('fake IdP: nobody to sign in (call signInAs first)');
      await provider.interactionFinished(req, res, { login: { accountId: current } }, { mergeWithLastSubmission: false });
      return;
    }
    const accountId = details.session?.accountId ?? '';
    const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    if (!grant) throw new Error('fake IdP: grant vanished');
    // oidc-provider types prompt details as an open record; these two keys are what its consent prompt sets.
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  handler = (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interact(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
      return;
    }
    const rewrite = tamper;
    if (rewrite && req.method === 'POST' && req.url?.startsWith('/token')) {
      tamper = null;
      const chunks: Buffer[] = [];
      const end = res.end.bind(res);
      // Koa writes the token response with end(body); write is covered too. Chunks are Buffers or strings.
      res.write = (chunk: unknown) => {
        chunks.push(Buffer.from(chunk as Buffer)); // Buffer.from takes either
        return true;
      };
      res.end = ((chunk?: unknown) => {
        if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as Buffer)); // Buffer.from takes either
        // A token endpoint response (RFC 6749 5.1): JSON with id_token for an openid request.
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id_token?: string };
        if (body.id_token) body.id_token = resign(body.id_token, rewrite);
        const text = JSON.stringify(body);
        res.setHeader('content-length', Buffer.byteLength(text));
        return end(text);
      }) as typeof res.end; // end has several overloads; this one handles every way Koa calls it
    }
    void callback(req, res);
  };

  return {
    issuer,
    clientId,
    clientSecret,
    addUser: (user) => users.set(user.sub, user),
    signInAs: (sub) => {
      current = sub;
    },
    tamperIdToken: (fn) => {
      tamper = fn;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
