import http from 'node:http';
import { PEER_ADDRESS_HEADER } from './request-meta';

const holder = globalThis as typeof globalThis & { __reflexPeerStamp?: boolean };

// Next's route handlers see a WHATWG Request, which has no socket: the peer's address is lost, and Next itself
// only fills X-Forwarded-For when the client did not send one. So the server process stamps every incoming
// request with its TCP peer, overwriting whatever the client sent in that header, before Next builds the Request.
// Installed once from instrumentation.ts (`next start`, `next dev`); Vercel has no http.Server here and uses its own
// header instead (lib/http/request-meta.ts).
export function installPeerAddressStamp(): void {
  if (holder.__reflexPeerStamp) return;
  holder.__reflexPeerStamp = true;
  const proto = http.Server.prototype;
  const emit = proto.emit;
  // Patching the prototype reaches the server Next already created; `emit` keeps its own signature.
  proto.emit = function emitWithPeer(this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const req = args[0];
      if (req instanceof http.IncomingMessage) stampPeer(req);
    }
    return Reflect.apply(emit, this, [event, ...args]) === true;
  };
}

export function stampPeer(req: http.IncomingMessage): void {
  const peer = req.socket.remoteAddress;
  if (peer) req.headers[PEER_ADDRESS_HEADER] = peer;
  else delete req.headers[PEER_ADDRESS_HEADER];
}
