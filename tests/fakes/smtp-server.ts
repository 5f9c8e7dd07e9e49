import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  from: string;
}

export interface FakeSmtp {
  url: string;
  received: ReceivedMail[];
  /** SMTP reply codes to refuse the next messages with (each entry refuses one DATA), e.g. 451. */
  refuseNext: number[];
  /** Everything received for an address, oldest first. */
  inbox(to: string): ReceivedMail[];
  close(): Promise<void>;
}

function addressText(value: ParsedMail['to']): string {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.map((a) => a.text).join(', ');
}

// A real SMTP server on 127.0.0.1 (smtp-server), read with mailparser: what an SMTP provider would receive.
export async function startFakeSmtp(): Promise<FakeSmtp> {
  const received: ReceivedMail[] = [];
  const refuseNext: number[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'test' });
    },
    onData(stream, _session, callback) {
      const code = refuseNext.shift();
      if (code) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: code })));
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          received.push({
            to: addressText(mail.to).toLowerCase(),
            from: addressText(mail.from),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
          });
          callback();
        })
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo; // listen() on a TCP port always yields an AddressInfo
  return {
    url: `smtp://test:secret@127.0.0.1:${port}`,
    received,
    refuseNext,
    inbox: (to) => received.filter((m) => m.to.includes(to.toLowerCase())),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link in a plain-text email that starts with `prefix`. */
export function linkIn(mail: ReceivedMail, prefix: string): string {
  const found = mail.text.match(/https?:\/\/[^\s\]]+/g)?.find((u) => u.startsWith(prefix));
  if (!found) throw new Error(`no ${prefix} link in "${mail.subject}":\n${mail.text}`);
  return found;
}
