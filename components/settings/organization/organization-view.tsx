'use client';

import { useCan } from '@/components/shell/me-context';
import { Alert, PageHeader, Spinner } from '@/components/ui';
import type { OrganizationSettings } from '@/lib/ui/types';
import { useResource } from '@/lib/ui/use-resource';
import { BillingCard } from './billing-card';
import { DataExportCard } from './data-export-card';
import { DeleteOrganizationCard } from './delete-organization-card';
import { ProfileCard, RetentionCard, SlackCard, useSaveOrganization } from './organization-cards';

// Everything an organization admin could only do through the API before: name, retention, Slack alerts, data
// export and deleting the organization. Each card shows only to members whose permissions allow it.
export function OrganizationSettingsView() {
  const can = useCan();
  const manage = can('settings:manage');
  const settings = useResource<OrganizationSettings>(manage ? '/api/v1/settings/organization' : null);
  const save = useSaveOrganization(settings.reload);
  const canExport = can('privacy:export') || can('privacy:manage');

  return (
    <>
      <PageHeader title="Organization" description="Name, data retention, alerts, billing, data export and deletion." />
      {!manage && !canExport && (
        <Alert tone="warning" title="No access">
          Organization settings need the settings:manage permission.
        </Alert>
      )}
      {manage && settings.error && <Alert tone="error">{settings.error}</Alert>}
      {manage &&
        (settings.loading || !settings.data ? (
          !settings.error && <Spinner label="Loading organization settings" />
        ) : (
          <>
            <ProfileCard key={settings.data.name} settings={settings.data} save={save} />
            <RetentionCard key={String(settings.data.retentionDays)} settings={settings.data} save={save} />
            <SlackCard settings={settings.data} save={save} />
            <BillingCard />
          </>
        ))}
      {canExport && <DataExportCard />}
      {can('tenant:manage') && settings.data && <DeleteOrganizationCard name={settings.data.name} />}
    </>
  );
}
