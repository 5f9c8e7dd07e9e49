'use client';

import { Alert, PageHeader } from '@/components/ui';

export default function OpsError({ reset }: { error: Error; reset: () => void }) {
  return (
    <>
      <PageHeader title="Something went wrong" />
      <Alert tone="error" title="This page could not be loaded">
        The details are in the server log.{' '}
        <button type="button" className="btn btn-sm btn-secondary" onClick={reset}>
          Try again
        </button>
      </Alert>
    </>
  );
}
