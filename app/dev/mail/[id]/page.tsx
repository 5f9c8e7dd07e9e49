import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { devMailEnabled } from '@/lib/email/dev-mail';
import { readOutbox } from '@/lib/email/outbox';
import { getEnv } from '@/lib/env';

export const metadata: Metadata = { title: 'Dev mail', referrer: 'no-referrer', robots: { index: false } };
export const dynamic = 'force-dynamic';

export default async function DevMailMessagePage({ params }: { params: Promise<{ id: string }> }) {
  if (!devMailEnabled(getEnv())) notFound();
  const entry = await readOutbox((await params).id);
  if (!entry) notFound();
  return (
    <main className="dev-mail">
      <p>
        <Link href="/dev/mail">← All emails</Link>
      </p>
      <h1 className="page-title" data-testid="dev-mail-subject">
        {entry.subject}
      </h1>
      <dl className="invite-facts">
        <div>
          <dt>From</dt>
          <dd>{entry.from}</dd>
        </div>
        <div>
          <dt>To</dt>
          <dd>{entry.to}</dd>
        </div>
        <div>
          <dt>Sent</dt>
          <dd>{entry.createdAt}</dd>
        </div>
      </dl>
      {/* The HTML body in a sandbox: no scripts, links open in a new tab. */}
      <iframe className="dev-mail-frame" title="HTML body" sandbox="allow-popups allow-popups-to-escape-sandbox" srcDoc={entry.html.replace('<head>', '<head><base target="_blank">')} />
      <section className="card">
        <div className="card-header">
          <h2 className="card-title">Plain text</h2>
        </div>
        <div className="card-body">
          <pre data-testid="dev-mail-text">{entry.text}</pre>
        </div>
      </section>
    </main>
  );
}
