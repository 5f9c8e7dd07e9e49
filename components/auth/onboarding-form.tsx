'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { useHydrated } from '@/lib/ui/use-hydrated';
import { Alert } from '@/components/ui';
import { LengthHint, tooLong } from '@/components/length-hint';
import { LIMITS } from '@/lib/validation/text';
import { api, errorMessage } from '@/lib/ui/api';
import { reloadTo } from '@/lib/ui/navigate';

function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

export function OnboardingForm({ firstOrg, userName, next }: { firstOrg: boolean; userName: string; next: string }) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const hydrated = useHydrated();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const effectiveSlug = slugTouched ? slug : slugify(name);

  // The name comes from the form itself, so what was typed before hydration is never lost.
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const orgName = String(new FormData(e.currentTarget).get('name') ?? '');
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/tenants', { method: 'POST', body: { name: orgName, ...(slugTouched && slug ? { slug } : {}) } });
      reloadTo(next);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <>
      <h1 className="auth-title">{firstOrg ? `Welcome, ${userName.split(/\s+/)[0] || userName}` : 'Create an organization'}</h1>
      <p className="auth-subtitle">
        {firstOrg
          ? 'Create your organization. You will be its owner and can invite your team next.'
          : 'Each organization has its own members, documents and settings, fully isolated from the others.'}
      </p>
      <form className="stack" onSubmit={submit}>
        {error && <Alert tone="error">{error}</Alert>}
        <div className="field">
          <label htmlFor="org-name">Organization name</label>
          <input
            id="org-name"
            name="name"
            className="input"
            required
            minLength={2}
            placeholder="Acme Inc."
            aria-describedby="org-name-hint"
            aria-invalid={tooLong(name, LIMITS.organizationName)}
            onChange={(e) => setName(e.target.value)}
          />
          <LengthHint id="org-name-hint" value={name} max={LIMITS.organizationName} label="Organization name" hint="Shown to everyone you invite." />
        </div>
        <div className="field">
          <label htmlFor="org-slug">URL slug</label>
          <input
            id="org-slug"
            className="input mono"
            maxLength={48}
            pattern="[a-z0-9]([a-z0-9\-]*[a-z0-9])?"
            placeholder="acme"
            value={effectiveSlug}
            onChange={(e) => {
              setSlugTouched(true);
              setSlug(e.target.value.toLowerCase());
            }}
          />
          <span className="hint">Lowercase letters, digits and dashes. Leave as is to derive it from the name.</span>
        </div>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !hydrated || tooLong(name, LIMITS.organizationName)}>
          {busy ? 'Creating…' : 'Create organization'}
        </button>
      </form>
      {!firstOrg && (
        <p className="auth-switch">
          <Link href="/app">Back to the app</Link>
        </p>
      )}
    </>
  );
}
