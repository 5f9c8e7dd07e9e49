'use client';

import { useState } from 'react';
import { SecretField } from '@/components/copy-button';
import { Icon } from '@/components/icons';
import { useCan, useMe } from '@/components/shell/me-context';
import { Alert, Card, EmptyState, PageHeader, Spinner } from '@/components/ui';
import type { ApiKey, CreatedApiKey, Page } from '@/lib/ui/types';
import { useResource } from '@/lib/ui/use-resource';
import { CreateKeyForm } from './create-key-form';
import { KeysTable } from './keys-table';

function NewSecret({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  return (
    <section className="card card-highlight" data-testid="api-key-created">
      <div className="card-body stack">
        <Alert tone="warning" title={`Copy the secret of “${created.name}” now`}>
          This is the only time it is shown. Reflex keeps only a hash, so a lost secret cannot be recovered: revoke
          the key and create a new one.
        </Alert>
        <SecretField value={created.secret} label="API key secret" testId="api-key-secret" />
        <p className="muted small">
          Send it as <code>Authorization: Bearer &lt;secret&gt;</code>.
        </p>
        <div>
          <button type="button" className="btn btn-secondary" onClick={onDone}>
            I have stored it safely
          </button>
        </div>
      </div>
    </section>
  );
}

export function ApiKeysView() {
  const me = useMe();
  const can = useCan();
  const allowed = can('apikeys:manage');
  const keys = useResource<Page<ApiKey>>(allowed ? '/api/v1/api-keys?limit=100' : null);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  const newButton = (
    <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
      <Icon name="plus" size={16} /> New API key
    </button>
  );

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys let other systems call the Reflex REST API on behalf of this organization."
        actions={allowed && !creating && newButton}
      />
      {!allowed && (
        <Alert tone="warning" title="No access">
          Managing API keys needs the apikeys:manage permission.
        </Alert>
      )}
      {created && <NewSecret created={created} onDone={() => setCreated(null)} />}
      {creating && (
        <Card title="New API key">
          <CreateKeyForm
            allowed={me.permissions}
            onCancel={() => setCreating(false)}
            onCreated={(key) => {
              setCreating(false);
              setCreated(key);
              void keys.reload();
            }}
          />
        </Card>
      )}
      {allowed && (
        <Card title="Keys" flush>
          {keys.error && <Alert tone="error">{keys.error}</Alert>}
          {keys.loading ? (
            <Spinner label="Loading keys" />
          ) : keys.data?.items.length ? (
            <KeysTable keys={keys.data.items} onChanged={keys.reload} />
          ) : (
            <EmptyState icon="key" title="No API keys yet" action={!creating && newButton}>
              Create a key with only the scopes an integration needs.
            </EmptyState>
          )}
        </Card>
      )}
    </>
  );
}
