import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { devMailEnabled } from '@/lib/email/dev-mail';
import { listOutbox } from '@/lib/email/outbox';
import { getEnv } from '@/lib/env';

export const metadata: Metadata = { title: 'Dev mail', referrer: 'no-referrer', robots: { index: false } };
export const dynamic = 'force-dynamic';

// The dev outbox: every email the app sent while no SMTP_URL is set (lib/email/outbox.ts). 404 on a production
// server unless DEV_MAIL=1.
export default async function DevMailPage() {
  const env = getEnv();
  if (!devMailEnabled(env)) notFound();
  const entries = await listOutbox({ limit: 100 });
  return (
    <main className="dev-mail">
      <h1 className="page-title">Dev mail</h1>
      <p className="muted">
        Emails written to <code>{env.EMAIL_OUTBOX_DIR}</code> because <code>SMTP_URL</code> is not set. Newest first.
      </p>
      <section className="card">
        {entries.length === 0 ? (
          <div className="card-body muted">No emails yet.</div>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Sent</th>
                  <th>To</th>
                  <th>Subject</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.id} data-testid="dev-mail-row">
                    <td className="nowrap muted">{new Date(e.createdAt).toISOString().replace('T', ' ').slice(0, 19)}</td>
                    <td>{e.to}</td>
                    <td>
                      <Link href={`/dev/mail/${e.id}`}>{e.subject}</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
