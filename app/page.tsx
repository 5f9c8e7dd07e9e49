import Link from 'next/link';
import { redirect } from 'next/navigation';
import { Icon, type IconName } from '@/components/icons';
import { Logo } from '@/components/ui';
import { getViewer } from '@/lib/ui/session';

const FEATURES: { icon: IconName; title: string; text: string }[] = [
  { icon: 'file', title: 'Documents to knowledge', text: 'Upload text, PDFs and recordings. Durable pipelines extract, chunk, embed, classify and summarize them.' },
  { icon: 'search', title: 'Search and answers', text: 'Semantic search and an assistant that answers from your sources, with citations.' },
  { icon: 'tasks', title: 'Action items become tasks', text: 'Commitments found in meetings and memos land on a shared task board.' },
  { icon: 'shield', title: 'Enterprise controls', text: 'Roles and permissions, scoped API keys, session revocation and a verifiable audit log.' },
  { icon: 'layers', title: 'Isolated by design', text: 'Every organization is fenced by Postgres row-level security, enforced in the database.' },
  { icon: 'zap', title: 'Your AI, your rules', text: 'Route each operation to OpenAI, AssemblyAI or your own GPUs, with fallbacks and a privacy mode.' },
];

export default async function Home() {
  if (await getViewer()) redirect('/app');
  return (
    <div className="landing">
      <header className="landing-nav">
        <Logo />
        <nav className="landing-nav-links">
          <Link href="/sign-in" className="btn btn-ghost">
            Sign in
          </Link>
          <Link href="/sign-up" className="btn btn-primary">
            Create account
          </Link>
        </nav>
      </header>
      <main>
        <section className="hero">
          <span className="hero-eyebrow">Open-source AI assistant for teams</span>
          <h1 className="hero-title">Turn your team&apos;s documents into answers and action.</h1>
          <p className="hero-text">
            Reflex turns the files and recordings your teams upload into searchable knowledge, verified records and
            tasks, with every control an enterprise asks for from day one. Deploy it in 30 minutes.
          </p>
          <div className="hero-actions">
            <Link href="/sign-up" className="btn btn-primary btn-lg">
              Create account <Icon name="arrowRight" size={18} />
            </Link>
            <Link href="/sign-in" className="btn btn-secondary btn-lg">
              Sign in
            </Link>
          </div>
          <div className="hero-preview" aria-hidden="true">
            <div className="preview-bar">
              <span />
              <span />
              <span />
            </div>
            <div className="preview-body">
              <div className="preview-question">What did we agree with Northwind about the Q3 rollout?</div>
              <div className="preview-answer">
                <p>
                  Rollout starts on <strong>July 8</strong> with the EU region first; Northwind signs off on the pilot
                  report before the US launch.
                </p>
                <div className="preview-sources">
                  <span className="chip">Kickoff call.m4a · 12:40</span>
                  <span className="chip">Q3 plan.pdf · p. 4</span>
                </div>
              </div>
              <div className="preview-task">
                <Icon name="tasks" size={16} /> Send pilot report to Northwind <span className="badge badge-amber">Due Jul 1</span>
              </div>
            </div>
          </div>
        </section>
        <section className="features">
          {FEATURES.map((f) => (
            <div key={f.title} className="feature">
              <span className="feature-icon">
                <Icon name={f.icon} size={20} />
              </span>
              <h3>{f.title}</h3>
              <p>{f.text}</p>
            </div>
          ))}
        </section>
      </main>
      <footer className="landing-footer">
        <span>Reflex · Apache-2.0</span>
        <span>REST API at /api/v1 · OpenAPI at /api/v1/openapi.json</span>
      </footer>
    </div>
  );
}
