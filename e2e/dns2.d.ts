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
  export const Packet: {
    TYPE: { TXT: number };
    CLASS: { IN: number };
    createResponseFromRequest(request: DnsRequest): DnsResponse;
  };
  interface DnsServer {
    listen(opts: { udp?: { port: number; address: string; type?: 'udp4' | 'udp6' } }): Promise<void>;
    close(): Promise<void>;
  }
  export function createServer(opts: { udp?: boolean; handle: (request: DnsRequest, send: (response: DnsResponse) => void) => void }): DnsServer;
}
