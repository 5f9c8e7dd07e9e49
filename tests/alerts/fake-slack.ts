import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSlack {
  url: string;
  received: { path: string; body: { text: string; blocks: unknown[] } }[];
  // Status codes to answer with, in order; when empty, 200 "ok" as Slack does.
  failNext: number[];
  close(): Promise<void>;
}

// Speaks Slack's incoming-webhook wire format: POST JSON, 200 "ok", or an error status with a plain-text reason.
export async function startFakeSlack(): Promise<FakeSlack> {
  const fake: Omit<FakeSlack, 'url' | 'close'> = { received: [], failNext: [] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = fake.failNext.shift() ?? 200;
      if (status === 200) fake.received.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'internal_error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo; // listen() on a TCP port always yields an AddressInfo
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
