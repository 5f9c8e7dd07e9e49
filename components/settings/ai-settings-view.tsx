'use client';

import { useEffect, useState } from 'react';
import { useCan } from '@/components/shell/me-context';
import { useToast } from '@/components/toast';
import { Alert, Card, PageHeader, Spinner } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import { useResource } from '@/lib/ui/use-resource';
import { CategoriesEditor } from './categories-editor';
import { toBody, toDraft, type SettingsDraft } from './draft';
import { PolicyEditor } from './policy-editor';
import { RulesEditor } from './rules-editor';
import styles from './settings.module.css';
import type { AiSettingsView } from './types';

export function AiSettingsPage() {
  const can = useCan();
  const allowed = can('settings:manage');
  const loaded = useResource<AiSettingsView>(allowed ? '/api/v1/settings/ai' : null);
  const toast = useToast();
  const [view, setView] = useState<AiSettingsView | null>(null);
  const [draft, setDraft] = useState<SettingsDraft | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!loaded.data) return;
    // The form starts from what the server sent; later edits live only in the draft.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setView(loaded.data);
    setDraft(toDraft(loaded.data));
  }, [loaded.data]);

  async function save() {
    if (!draft) return;
    setSaving(true);
    setError(null);
    try {
      const saved = await api<AiSettingsView>('/api/v1/settings/ai', { method: 'PUT', body: toBody(draft) });
      setView(saved);
      setDraft(toDraft(saved));
      toast('AI settings saved. New documents and questions use them.');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  const header = (
    <PageHeader
      title="AI settings"
      description="Which provider handles each operation, when to escalate, the rules documents are verified against, and the categories they are sorted into."
      actions={
        draft && (
          <button type="button" className="btn btn-primary" disabled={saving} onClick={() => void save()} data-testid="settings-save">
            {saving ? 'Saving…' : 'Save changes'}
          </button>
        )
      }
    />
  );

  if (!allowed) {
    return (
      <>
        <PageHeader title="AI settings" />
        <Alert tone="warning" title="No access">
          Changing AI settings needs the settings:manage permission.
        </Alert>
      </>
    );
  }
  if (!view || !draft) {
    return (
      <>
        {header}
        {loaded.error ? <Alert tone="error">{loaded.error}</Alert> : <Spinner label="Loading settings" />}
      </>
    );
  }

  return (
    <>
      {header}
      {error && (
        <Alert tone="error" title="Not saved">
          {error}
        </Alert>
      )}
      <Card title="Privacy" description="In privacy mode only in-process and self-hosted providers run: no document text reaches a hosted API.">
        <label className={styles.inlineCheck}>
          <input type="checkbox" checked={draft.privacyMode} onChange={(e) => setDraft({ ...draft, privacyMode: e.target.checked })} data-testid="privacy-mode" />
          <span>Privacy mode</span>
        </label>
        <p className="muted small">
          Providers on this server:{' '}
          {view.providers.map((p) => `${p.name} (${p.locality})`).join(', ')}.
        </p>
      </Card>
      <Card
        title="Routing policy"
        description="Blank fields keep the server default (shown in grey). A call escalates to the fallback on an error, a timeout, or a confidence below the threshold."
        flush
      >
        <PolicyEditor draft={draft} view={view} onChange={(op, policy) => setDraft({ ...draft, policies: { ...draft.policies, [op]: policy } })} />
      </Card>
      <Card title="Verification rules" description="Every processed document is checked against these. Patterns are case-insensitive regular expressions in RE2 syntax (at most 300 characters; no backreferences or lookaround), matched in linear time.">
        <RulesEditor rules={draft.rules} onChange={(rules) => setDraft({ ...draft, rules })} />
      </Card>
      <Card title="Categories" description="The classifier picks one of these for each document.">
        <CategoriesEditor
          custom={draft.customCategories}
          categories={draft.categories}
          onCustom={(customCategories) => setDraft({ ...draft, customCategories })}
          onChange={(categories) => setDraft({ ...draft, categories })}
        />
      </Card>
    </>
  );
}
