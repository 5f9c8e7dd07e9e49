import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

// A real HTTP server on 127.0.0.1 with an ephemeral port, for fakes of outside APIs.

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json?: unknown;
  form?: Record<string, string>;
  files?: Record<string, { name: string; type: string; size: number }>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest) => void | Promise<void>;

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

// Parses bodies the way the real APIs do: JSON, or multipart form data (via undici's own parser).
async function record(req: IncomingMessage): Promise<RecordedRequest> {
  const body = await readBody(req);
  const recorded: RecordedRequest = {
    method: req.method ?? 'GET',
    path: (req.url ?? '/').split('?')[0] ?? '/',
    headers: req.headers,
    body,
  };
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json') && body.length > 0) {
    try {
      recorded.json = JSON.parse(body.toString('utf8'));
    } catch {
      recorded.json = undefined;
    }
  } else if (type.includes('multipart/form-data')) {
    const form = await new Response(new Uint8Array(body), { headers: { 'content-type': type } }).formData();
    recorded.form = {};
    recorded.files = {};
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') recorded.form[key] = value;
      else recorded.files[key] = { name: value.name, type: value.type, size: value.size };
    }
  }
  return recorded;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export async function startFakeServer(handler: Handler, port = 0): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    record(req)
      .then(async (recorded) => {
        requests.push(recorded);
        await handler(req, res, recorded);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: { message: `fake failed: ${String(error)}` } });
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo; // listen() on a TCP port always yields AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // Hung requests never finish on their own.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
