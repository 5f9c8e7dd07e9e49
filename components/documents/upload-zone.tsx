'use client';

import Link from 'next/link';
import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import { Icon } from '@/components/icons';
import { LengthHint } from '@/components/length-hint';
import { useMe } from '@/components/shell/me-context';
import { UPLOAD_LIMITS } from '@/lib/documents/limits';
import { api, errorMessage } from '@/lib/ui/api';
import { formatBytes } from '@/lib/ui/format';
import { LIMITS } from '@/lib/validation/text';
import styles from './documents.module.css';
import type { DocumentSummary } from './types';
import { duplicateOf, uploadFile } from './upload';

const ACCEPT = '.txt,.md,.markdown,.pdf,.wav,.mp3,.m4a,.webm,text/plain,text/markdown,application/pdf,audio/*';

interface UploadItem {
  key: number;
  name: string;
  size: number;
  progress: number;
  state: 'uploading' | 'done' | 'error';
  message?: string;
  documentId?: string;
  // Set when the file was already uploaded: the document that holds it.
  existingId?: string;
}

const PLAN_NAMES: Record<string, string> = { standard: 'Standard', professional: 'Professional', enterprise: 'Enterprise' };

// The plan's upload limit, known before anything is sent; unknown plans fall back to the smallest.
function limitFor(plan: string | undefined): number {
  return plan === 'professional' || plan === 'enterprise' ? UPLOAD_LIMITS[plan] : UPLOAD_LIMITS.standard;
}

let nextKey = 1;

export function UploadZone({ onUploaded }: { onUploaded: (doc: DocumentSummary) => void }) {
  const me = useMe();
  const plan = me.tenant?.plan;
  const limit = limitFor(plan);
  const planName = PLAN_NAMES[plan ?? ''] ?? 'your';
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [items, setItems] = useState<UploadItem[]>([]);
  const [pasting, setPasting] = useState(false);

  const update = (key: number, patch: Partial<UploadItem>) => setItems((all) => all.map((i) => (i.key === key ? { ...i, ...patch } : i)));

  function start(files: FileList | File[]) {
    for (const file of Array.from(files)) {
      const key = nextKey++;
      const item: UploadItem = { key, name: file.name, size: file.size, progress: 0, state: 'uploading' };
      // Too large for the plan: said at once, instead of after the whole file has been sent.
      if (file.size > limit) {
        const message = `This file is ${formatBytes(file.size)}; the ${planName} plan uploads files up to ${formatBytes(limit)}. Split it into smaller files, or ask an admin about a larger plan.`;
        setItems((all) => [{ ...item, state: 'error' as const, message }, ...all].slice(0, 8));
        continue;
      }
      setItems((all) => [item, ...all].slice(0, 8));
      uploadFile(file, (progress) => update(key, { progress }))
        .then((doc) => {
          update(key, { state: 'done', progress: 1, documentId: doc.id });
          onUploaded(doc);
        })
        .catch((err: unknown) => update(key, { state: 'error', message: errorMessage(err), existingId: duplicateOf(err) ?? undefined }));
    }
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer.files.length > 0) start(e.dataTransfer.files);
  }

  return (
    <section className="card">
      <div className="card-body">
        <div
          className={`${styles.dropzone} ${dragging ? styles.dropzoneActive : ''}`}
          data-testid="upload-dropzone"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <span className={styles.dropIcon}>
            <Icon name="file" size={22} />
          </span>
          <div>
            <div className={styles.dropTitle}>Drop files here to upload</div>
            <div className="muted small">
              Text, Markdown, PDF or audio (WAV, MP3, M4A, WebM), up to {formatBytes(limit)} per file on the {planName} plan. Each file is processed in
              the background.
            </div>
          </div>
          <div className={styles.dropActions}>
            <button type="button" className="btn btn-primary" onClick={() => input.current?.click()}>
              <Icon name="plus" size={16} /> Choose files
            </button>
            <button type="button" className="btn btn-secondary" onClick={() => setPasting((p) => !p)}>
              Paste text
            </button>
          </div>
          <input
            ref={input}
            type="file"
            multiple
            accept={ACCEPT}
            className="sr-only"
            data-testid="upload-input"
            aria-label="Choose files to upload"
            onChange={(e) => {
              if (e.target.files) start(e.target.files);
              e.target.value = '';
            }}
          />
        </div>
        {pasting && (
          <PasteForm
            onDone={(doc) => {
              setPasting(false);
              onUploaded(doc);
            }}
          />
        )}
        {items.length > 0 && (
          <ul className={styles.uploads} aria-label="Uploads">
            {items.map((item) => (
              <li key={item.key} className={styles.upload} data-testid="upload-item" data-state={item.state}>
                <div className={styles.uploadHead}>
                  <span className={styles.uploadName}>{item.name}</span>
                  <span className="muted small">{formatBytes(item.size)}</span>
                  {item.state === 'done' && item.documentId && (
                    <Link className="small" href={`/app/documents/${item.documentId}`}>
                      Open
                    </Link>
                  )}
                  {item.state !== 'uploading' && (
                    <button type="button" className={`icon-button ${styles.dismiss}`} aria-label={`Dismiss ${item.name}`} onClick={() => setItems((all) => all.filter((i) => i.key !== item.key))}>
                      <Icon name="x" size={14} />
                    </button>
                  )}
                </div>
                {item.state === 'error' ? (
                  <div className={styles.uploadError} role="alert">
                    {item.message}{' '}
                    {item.existingId && (
                      <Link href={`/app/documents/${item.existingId}`} data-testid="upload-existing">
                        Open the existing document →
                      </Link>
                    )}
                  </div>
                ) : (
                  <div
                    className={styles.progress}
                    role="progressbar"
                    aria-label={`Uploading ${item.name}`}
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={Math.round(item.progress * 100)}
                  >
                    <div className={`${styles.progressBar} ${item.state === 'done' ? styles.progressDone : ''}`} style={{ width: `${Math.round(item.progress * 100)}%` }} />
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

function PasteForm({ onDone }: { onDone: (doc: DocumentSummary) => void }) {
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await api<DocumentSummary>('/api/v1/documents', { method: 'POST', body: { ...(title.trim() ? { title: title.trim() } : {}), text } }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack" onSubmit={submit}>
      <div className="field">
        <label htmlFor="paste-title">Title</label>
        <input
          id="paste-title"
          className="input"
          placeholder="Optional: taken from the first line otherwise"
          value={title}
          aria-describedby="paste-title-hint"
          aria-invalid={title.trim().length > LIMITS.documentTitle}
          onChange={(e) => setTitle(e.target.value)}
        />
        <LengthHint id="paste-title-hint" value={title} max={LIMITS.documentTitle} label="Title" />
      </div>
      <div className="field">
        <label htmlFor="paste-text">Text</label>
        <textarea id="paste-text" className={`input ${styles.textarea}`} required rows={8} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      {error && <div className={styles.uploadError}>{error}</div>}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || text.trim() === '' || title.trim().length > LIMITS.documentTitle}>
          {busy ? 'Adding…' : 'Add document'}
        </button>
      </div>
    </form>
  );
}
