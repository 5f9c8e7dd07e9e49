'use client';

import { useState } from 'react';

// Two-step confirmation inline, instead of window.confirm, so that destructive actions are explicit and the
// page stays usable on touch devices and in automated tests.
export function ConfirmButton({
  label,
  confirmLabel = 'Confirm',
  onConfirm,
  disabled,
  title,
  tone = 'danger',
}: {
  label: string;
  confirmLabel?: string;
  onConfirm: () => Promise<void> | void;
  disabled?: boolean;
  title?: string;
  tone?: 'danger' | 'neutral';
}) {
  const [armed, setArmed] = useState(false);
  const [busy, setBusy] = useState(false);

  if (!armed) {
    return (
      <button type="button" className={`btn btn-sm ${tone === 'danger' ? 'btn-ghost-danger' : 'btn-ghost'}`} disabled={disabled} title={title} onClick={() => setArmed(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm-group">
      <button
        type="button"
        className={`btn btn-sm ${tone === 'danger' ? 'btn-danger' : 'btn-primary'}`}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setArmed(false);
          }
        }}
      >
        {busy ? 'Working…' : confirmLabel}
      </button>
      <button type="button" className="btn btn-ghost btn-sm" disabled={busy} onClick={() => setArmed(false)}>
        Cancel
      </button>
    </span>
  );
}
