// The part of dns2 (no types of its own) that e2e/dns-server.ts uses.
declare module 'dns2' {
  interface Question {
    name: string;
    type: number;
  }
  interface DnsRequest {
    questions: Question[];
  }
  interface DnsResponse {
    answers: { name: string; type: number; class: number; ttl: number; data: string }[];
  }
  interface PacketApi {
    TYPE: { TXT: number };
    CLASS: { IN: number };
    createResponseFromRequest(request: DnsRequest): DnsResponse;
  }
  interface DnsServer {
    listen(opts: { udp?: { port: number; address: string; type?: 'udp4' | 'udp6' } }): Promise<void>;
    close(): Promise<void>;
  }
  // A CommonJS module: Node's ESM loader offers it as the default export only.
  const dns2: {
    Packet: PacketApi;
    createServer(opts: { udp?: boolean; handle: (request: DnsRequest, send: (response: DnsResponse) => void) => void }): DnsServer;
  };
  export default dns2;
}
