'use client';

import { useState } from 'react';
import { Alert } from '@/components/ui';
import type { VerifyResult } from '@/lib/audit/verify';
import { api, errorMessage } from '@/lib/ui/api';

export function VerifyPanel() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<VerifyResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function verify() {
    setBusy(true);
    setError(null);
    try {
      setResult(await api<VerifyResult>('/api/v1/audit/verify'));
    } catch (err) {
      setResult(null);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stack">
      <div className="form-actions" style={{ justifyContent: 'flex-start' }}>
        <button type="button" className="btn btn-secondary btn-sm" onClick={verify} disabled={busy} data-testid="audit-verify">
          {busy ? 'Verifying…' : 'Verify the chain'}
        </button>
      </div>
      {error && <Alert tone="error">{error}</Alert>}
      {result?.ok && (
        <Alert tone="success" title="The audit chain is intact">
          {result.checked} {result.checked === 1 ? 'entry' : 'entries'} checked
          {result.pseudonymized > 0 && `, ${result.pseudonymized} with personal data erased`}.
          {result.head && (
            <>
              {' '}
              Head hash (keep it to compare later): <code className="mono small">{result.head.hash}</code>
            </>
          )}
        </Alert>
      )}
      {result && !result.ok && result.firstBreak && (
        <Alert tone="error" title={`The chain is broken at entry ${result.firstBreak.seq}`}>
          {result.firstBreak.reason}. {result.checked} earlier {result.checked === 1 ? 'entry verifies' : 'entries verify'}.
        </Alert>
      )}
    </div>
  );
}
