import dns2 from 'dns2';

const { Packet } = dns2;

// A real DNS server (UDP, 127.0.0.1) that answers TXT questions from a map the test fills; the app's resolver is
// pointed at it by SSO_DNS_SERVERS (playwright.config.ts for e2e/sso.spec.ts), so domain verification runs its
// real lookup. Names it does not know get an empty answer (what node reports as ENODATA).
export const E2E_DNS_PORT = 15353;

export async function startDnsServer(records: Map<string, string[]>, port = E2E_DNS_PORT): Promise<{ close: () => Promise<void> }> {
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      for (const q of request.questions) {
        for (const value of q.type === Packet.TYPE.TXT ? (records.get(q.name.toLowerCase()) ?? []) : []) {
          response.answers.push({ name: q.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 1, data: value });
        }
      }
      send(response);
    },
  });
  await server.listen({ udp: { port, address: '127.0.0.1', type: 'udp4' } });
  return { close: () => server.close() };
}
