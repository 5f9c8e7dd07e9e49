'use client';

import { useState } from 'react';
import { Icon } from './icons';

// Clipboard access needs a secure context; where it is missing the value stays selectable in its field.
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const [failed, setFailed] = useState(false);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setFailed(false);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setFailed(true);
    }
  }

  return (
    <button type="button" className="btn btn-secondary" onClick={copy} aria-live="polite">
      <Icon name={copied ? 'check' : 'copy'} size={16} />
      {copied ? 'Copied' : failed ? 'Copy failed: select the text' : label}
    </button>
  );
}

export function SecretField({ value, label, testId }: { value: string; label: string; testId?: string }) {
  return (
    <div className="secret-field">
      <input
        className="input mono"
        readOnly
        value={value}
        aria-label={label}
        data-testid={testId}
        onFocus={(e) => e.currentTarget.select()}
      />
      <CopyButton value={value} />
    </div>
  );
}
