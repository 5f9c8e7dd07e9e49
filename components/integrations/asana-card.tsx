'use client';

import { useEffect, useState } from 'react';
import { Time } from '@/components/time';
import { useToast } from '@/components/toast';
import { Alert, Card, EmptyState, Spinner } from '@/components/ui';
import type { ConnectionView } from '@/lib/integrations/connections';
import { api, errorMessage } from '@/lib/ui/api';
import { useResource } from '@/lib/ui/use-resource';

// The Asana part of Settings → Integrations for one connection: which workspace and project tasks sync with, which
// Asana section each board column maps to, the column that means "completed", and how syncing is going
// (GET/PUT /api/integrations/asana/connections/{id}/setup and the workspace/project/section pickers).

interface Choice {
  gid: string;
  name: string;
}
interface AsanaSetup {
  workspace: Choice | null;
  project: Choice | null;
  sectionMap: Record<string, string>;
  doneColumnId: string | null;
  webhook: { active: boolean; lastEventAt: string | null };
  linkedTasks: number;
  columns: { id: string; name: string }[];
}

const NONE = '';

function Picker({ id, label, choices, value, onChange, placeholder, disabled }: { id: string; label: string; choices: Choice[]; value: string; onChange: (v: string) => void; placeholder: string; disabled?: boolean }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} className="input select" value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        <option value={NONE}>{placeholder}</option>
        {choices.map((c) => (
          <option key={c.gid} value={c.gid}>
            {c.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function SyncStatus({ connection, setup }: { connection: ConnectionView; setup: AsanaSetup }) {
  return (
    <div className="stack">
      {connection.lastError && (
        <Alert tone="error" title="The last sync did not finish">
          {connection.lastError}
        </Alert>
      )}
      {setup.project && !setup.webhook.active && (
        <Alert tone="warning" title="Asana cannot reach this app">
          Changes made in Asana arrive every ten minutes instead of right away. Asana delivers webhooks only to a public https address: check APP_URL, then
          save the mapping again.
        </Alert>
      )}
      <p className="muted">
        {setup.linkedTasks === 1 ? '1 task' : `${setup.linkedTasks} tasks`} linked · last sync <Time value={connection.lastSyncAt} fallback="not yet" /> · last change from
        Asana <Time value={setup.webhook.lastEventAt} fallback="none yet" />
      </p>
    </div>
  );
}

export function AsanaSettings({ connection }: { connection: ConnectionView }) {
  const toast = useToast();
  const base = `/api/integrations/asana/connections/${connection.id}`;
  const setup = useResource<AsanaSetup>(`${base}/setup`);
  const workspaces = useResource<{ items: Choice[] }>(`${base}/workspaces`);
  const [workspace, setWorkspace] = useState(NONE);
  const [project, setProject] = useState(NONE);
  const [sectionMap, setSectionMap] = useState<Record<string, string>>({});
  const [doneColumnId, setDoneColumnId] = useState(NONE);
  const [loadedFor, setLoadedFor] = useState<AsanaSetup | null>(null);
  const [saving, setSaving] = useState(false);
  const projects = useResource<{ items: Choice[] }>(workspace ? `${base}/projects?workspace=${workspace}` : null);
  const sections = useResource<{ items: Choice[] }>(project ? `${base}/sections?project=${project}` : null);

  // The form starts from what is saved, once it has loaded (and again after a save).
  useEffect(() => {
    const saved = setup.data;
    if (!saved || saved === loadedFor) return;
    // Copying the loaded settings into the form's draft is the point of this effect.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setLoadedFor(saved);
    setWorkspace(saved.workspace?.gid ?? NONE);
    setProject(saved.project?.gid ?? NONE);
    setSectionMap(saved.sectionMap);
    setDoneColumnId(saved.doneColumnId ?? NONE);
  }, [setup.data, loadedFor]);

  async function save() {
    setSaving(true);
    try {
      const mapped = Object.fromEntries(Object.entries(sectionMap).filter(([, s]) => s !== NONE));
      await api(`${base}/setup`, { method: 'PUT', body: { workspaceGid: workspace, projectGid: project, sectionMap: mapped, doneColumnId: doneColumnId || null } });
      toast('Asana sync settings saved');
      await setup.reload();
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setSaving(false);
    }
  }

  const error = setup.error ?? workspaces.error;
  if (error) return <Alert tone="error">{error}</Alert>;
  if (setup.loading || !setup.data) return <Spinner label="Loading Asana settings" />;
  const data = setup.data;
  const sectionChoices = sections.data?.items ?? [];

  return (
    <Card title={`Asana · ${connection.externalAccountName}`} description="Tasks sync both ways with one Asana project. When both sides change the same field, the later change wins and the other is kept in the task's history.">
      <div className="stack">
        <SyncStatus connection={connection} setup={data} />
        {workspaces.loading ? (
          <Spinner label="Loading workspaces" />
        ) : (
          <Picker
            id="asana-workspace"
            label="Workspace"
            placeholder="Choose a workspace"
            choices={workspaces.data?.items ?? []}
            value={workspace}
            disabled={saving}
            onChange={(v) => {
              setWorkspace(v);
              setProject(NONE);
              setSectionMap({});
            }}
          />
        )}
        {workspace && (projects.loading ? <Spinner label="Loading projects" /> : projects.error ? <Alert tone="error">{projects.error}</Alert> : (
          <Picker id="asana-project" label="Project" placeholder="Choose a project" choices={projects.data?.items ?? []} value={project} disabled={saving} onChange={(v) => { setProject(v); setSectionMap({}); }} />
        ))}
        {project && (sections.loading ? (
          <Spinner label="Loading sections" />
        ) : sectionChoices.length === 0 ? (
          <EmptyState icon="layers" title="This project has no sections">
            Add sections in Asana (for example To do, Doing, Done), then come back to map your board columns to them.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table table-responsive">
              <thead>
                <tr>
                  <th>Board column</th>
                  <th>Asana section</th>
                  <th>Completed</th>
                </tr>
              </thead>
              <tbody>
                {data.columns.map((col) => (
                  <tr key={col.id}>
                    <td data-label="Board column" className="person-name">
                      {col.name}
                    </td>
                    <td data-label="Asana section">
                      <select
                        aria-label={`Asana section for ${col.name}`}
                        className="input select"
                        disabled={saving}
                        value={sectionMap[col.id] ?? NONE}
                        onChange={(e) => setSectionMap({ ...sectionMap, [col.id]: e.target.value })}
                      >
                        <option value={NONE}>Not synced</option>
                        {sectionChoices.map((s) => (
                          <option key={s.gid} value={s.gid}>
                            {s.name}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td data-label="Completed">
                      <input type="radio" name="asana-done-column" aria-label={`${col.name} means completed`} checked={doneColumnId === col.id} disabled={saving} onChange={() => setDoneColumnId(col.id)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
        <div>
          <button type="button" className="btn btn-primary" disabled={saving || !workspace || !project} onClick={save}>
            {saving ? 'Saving…' : 'Save mapping'}
          </button>
        </div>
      </div>
    </Card>
  );
}
