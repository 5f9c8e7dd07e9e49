'use client';

import Link from 'next/link';
import QRCode from 'qrcode';
import { useEffect, useState, type FormEvent } from 'react';
import { CopyButton, SecretField } from '@/components/copy-button';
import { useMe } from '@/components/shell/me-context';
import { useToast } from '@/components/toast';
import { Alert, Badge, Card } from '@/components/ui';
import { api, ApiError, errorMessage } from '@/lib/ui/api';
import { reloadTo } from '@/lib/ui/navigate';

type Stage =
  | { kind: 'idle' }
  | { kind: 'password'; action: 'enable' | 'disable' | 'codes' }
  | { kind: 'scan'; totpURI: string; backupCodes: string[] }
  | { kind: 'codes'; backupCodes: string[] };

function describe(err: unknown): string {
  if (err instanceof ApiError && err.code === 'INVALID_PASSWORD') return 'That password is not right.';
  if (err instanceof ApiError && err.code === 'INVALID_CODE') return 'That code is not right. Enter the current one from your app.';
  return errorMessage(err);
}

// The QR code is drawn in the browser from the otpauth:// URI: the secret never goes to a third-party image service.
function QrCode({ uri }: { uri: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(uri, { margin: 1, width: 344, errorCorrectionLevel: 'M' })
      .then((url) => {
        if (live) setSrc(url);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [uri]);
  return (
    <div className="qr-box">
      {/* A data: URL drawn here; next/image has nothing to optimize. */}
      {/* eslint-disable-next-line @next/next/no-img-element */}
      {src && <img src={src} alt="QR code to scan with your authenticator app" data-testid="totp-qr" />}
    </div>
  );
}

function BackupCodes({ codes }: { codes: string[] }) {
  return (
    <div className="stack">
      <Alert tone="warning" title="Save your backup codes">
        Each code signs you in once if you lose your phone. Keep them somewhere safe: they are not shown again.
      </Alert>
      <ul className="backup-codes" data-testid="backup-codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <div>
        <CopyButton value={codes.join('\n')} label="Copy codes" />
      </div>
    </div>
  );
}

// required: who asks for it, the organization's security policy or the operator console (/ops); null when nobody does.
export function TwoFactorCard({ required }: { required: 'organization' | 'operator' | null }) {
  const me = useMe();
  const toast = useToast();
  const enabled = me.user?.twoFactorEnabled ?? false;
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function withPassword(e: FormEvent<HTMLFormElement>, action: 'enable' | 'disable' | 'codes') {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get('password') ?? '');
    setBusy(true);
    setError(null);
    try {
      if (action === 'enable') {
        const res = await api<{ totpURI: string; backupCodes: string[] }>('/api/auth/two-factor/enable', { method: 'POST', body: { password } });
        setStage({ kind: 'scan', totpURI: res.totpURI, backupCodes: res.backupCodes });
      } else if (action === 'disable') {
        await api('/api/auth/two-factor/disable', { method: 'POST', body: { password } });
        reloadTo('/app/profile');
      } else {
        const res = await api<{ backupCodes: string[] }>('/api/auth/two-factor/generate-backup-codes', { method: 'POST', body: { password } });
        setStage({ kind: 'codes', backupCodes: res.backupCodes });
      }
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  async function confirm(e: FormEvent<HTMLFormElement>, backupCodes: string[]) {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget).get('code') ?? '').trim();
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/two-factor/verify-totp', { method: 'POST', body: { code } });
      toast('Two-factor authentication is on');
      setStage({ kind: 'codes', backupCodes });
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  const passwordForm = (action: 'enable' | 'disable' | 'codes', label: string) => (
    <form className="inline-form" onSubmit={(e) => void withPassword(e, action)}>
      <div className="field field-grow">
        <label htmlFor="mfa-password">Confirm with your password</label>
        <input id="mfa-password" name="password" className="input" type="password" autoComplete="current-password" required autoFocus />
      </div>
      <button type="submit" className={`btn ${action === 'disable' ? 'btn-danger' : 'btn-primary'}`} disabled={busy}>
        {busy ? 'Checking…' : label}
      </button>
      <button type="button" className="btn btn-ghost" onClick={() => setStage({ kind: 'idle' })}>
        Cancel
      </button>
    </form>
  );

  let body;
  if (stage.kind === 'scan') {
    const secret = new URL(stage.totpURI).searchParams.get('secret') ?? '';
    body = (
      <div className="mfa-setup">
        <QrCode uri={stage.totpURI} />
        <form className="stack" onSubmit={(e) => void confirm(e, stage.backupCodes)}>
          <p className="muted">Scan the code with an authenticator app (1Password, Google Authenticator, Authy…), or enter this key by hand:</p>
          <SecretField value={secret} label="Setup key" testId="totp-secret" />
          <div className="field">
            <label htmlFor="mfa-code">6-digit code from the app</label>
            <input id="mfa-code" name="code" className="input mono" inputMode="numeric" pattern="[0-9]{6}" maxLength={6} autoComplete="one-time-code" required />
          </div>
          <div className="form-actions">
            <button type="button" className="btn btn-ghost" onClick={() => setStage({ kind: 'idle' })}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Checking…' : 'Turn on'}
            </button>
          </div>
        </form>
      </div>
    );
  } else if (stage.kind === 'codes') {
    body = (
      <div className="stack">
        <BackupCodes codes={stage.backupCodes} />
        <div className="form-actions">
          <button type="button" className="btn btn-primary" onClick={() => reloadTo('/app/profile')}>
            I have saved them
          </button>
        </div>
      </div>
    );
  } else if (stage.kind === 'password') {
    body = passwordForm(stage.action, stage.action === 'enable' ? 'Continue' : stage.action === 'disable' ? 'Turn off' : 'Show new codes');
  } else {
    body = (
      <div className="stack">
        <div className="status-line">
          {enabled ? <Badge tone="green">On</Badge> : <Badge tone="gray">Off</Badge>}
          <span className="muted">{enabled ? 'A code from your authenticator app is asked for at every sign-in.' : 'Only your password protects your account.'}</span>
        </div>
        <div className="form-row">
          {enabled ? (
            <>
              <button type="button" className="btn btn-secondary" onClick={() => setStage({ kind: 'password', action: 'codes' })}>
                New backup codes
              </button>
              <button type="button" className="btn btn-ghost-danger btn" onClick={() => setStage({ kind: 'password', action: 'disable' })}>
                Turn off
              </button>
            </>
          ) : (
            <button type="button" className="btn btn-primary" onClick={() => setStage({ kind: 'password', action: 'enable' })} data-testid="mfa-enable">
              Set up two-factor authentication
            </button>
          )}
        </div>
      </div>
    );
  }

  return (
    <Card title="Two-factor authentication" description="A second step at sign-in with an authenticator app (TOTP), with backup codes for when you lose it.">
      <div className="stack" id="mfa">
        {required === 'organization' && !enabled && (
          <Alert tone="warning" title="Required by your organization">
            {me.tenant?.name ?? 'Your organization'} requires two-factor authentication. Set it up to continue.
          </Alert>
        )}
        {required === 'operator' && !enabled && (
          <Alert tone="warning" title="Required for the operator console">
            Operators must use two-factor authentication. Set it up, then open the console again.
          </Alert>
        )}
        {required === 'operator' && enabled && (
          <Alert tone="success" title="You can use the operator console now">
            <Link href="/ops">Open the operator console</Link>
          </Alert>
        )}
        {error && <Alert tone="error">{error}</Alert>}
        {body}
      </div>
    </Card>
  );
}
