'use client';

import { useState, type FormEvent } from 'react';
import { Icon } from '@/components/icons';
import { LengthHint, tooLong } from '@/components/length-hint';
import { Time } from '@/components/time';
import { pluralize } from '@/lib/ui/format';
import { LIMITS } from '@/lib/validation/text';
import styles from './assistant.module.css';
import { UNTITLED, type Conversation } from './conversations-api';

// The sidebar of the assistant: your conversations, most recently used first, each renamable and deletable.
export function ConversationList({
  items,
  activeId,
  loading,
  hasMore,
  onOpen,
  onNew,
  onRename,
  onDelete,
  onMore,
}: {
  items: Conversation[];
  activeId: string | null;
  loading: boolean;
  hasMore: boolean;
  onOpen: (id: string) => void;
  onNew: () => void;
  onRename: (id: string, title: string) => Promise<boolean>;
  onDelete: (id: string) => Promise<void>;
  onMore: () => void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <nav className={styles.threads} aria-label="Conversations" data-testid="conversation-list">
      <button type="button" className={`btn btn-secondary btn-block ${styles.newThread}`} onClick={onNew} data-testid="new-conversation">
        <Icon name="plus" size={15} /> New conversation
      </button>
      {loading && items.length === 0 ? (
        <p className="muted small">Loading your conversations…</p>
      ) : items.length === 0 ? (
        <p className={`muted small ${styles.threadsEmpty}`}>No conversations yet. Each question you ask is kept here, so you can come back to it.</p>
      ) : (
        <ul className={styles.threadList}>
          {items.map((c) =>
            editing === c.id ? (
              <li key={c.id}>
                <RenameForm
                  conversation={c}
                  onCancel={() => setEditing(null)}
                  onSave={async (title) => {
                    if (await onRename(c.id, title)) setEditing(null);
                  }}
                />
              </li>
            ) : confirming === c.id ? (
              <li key={c.id} className={styles.confirmRow} data-testid="conversation-item">
                <span className={styles.threadTitle}>Delete “{c.title ?? UNTITLED}”?</span>
                <span className="form-actions">
                  <button type="button" className="btn btn-ghost btn-sm" onClick={() => setConfirming(null)}>
                    Keep
                  </button>
                  <button
                    type="button"
                    className="btn btn-danger btn-sm"
                    onClick={async () => {
                      await onDelete(c.id);
                      setConfirming(null);
                    }}
                  >
                    Delete
                  </button>
                </span>
              </li>
            ) : (
              <li key={c.id} className={`${styles.thread} ${c.id === activeId ? styles.threadActive : ''}`} data-testid="conversation-item" data-active={c.id === activeId}>
                <button type="button" className={styles.threadOpen} onClick={() => onOpen(c.id)} aria-current={c.id === activeId ? 'page' : undefined}>
                  <span className={styles.threadTitle} title={c.title ?? UNTITLED}>
                    {c.title ?? UNTITLED}
                  </span>
                  <span className={styles.threadMeta}>
                    <Time value={c.updatedAt} /> · {pluralize(c.turnCount, 'question')}
                  </span>
                </button>
                <span className={styles.threadActions}>
                  <button type="button" className="icon-button" aria-label={`Rename ${c.title ?? UNTITLED}`} title="Rename" onClick={() => setEditing(c.id)}>
                    <Icon name="edit" size={14} />
                  </button>
                  <button type="button" className="icon-button" aria-label={`Delete ${c.title ?? UNTITLED}`} title="Delete" onClick={() => setConfirming(c.id)}>
                    <Icon name="trash" size={14} />
                  </button>
                </span>
              </li>
            ),
          )}
        </ul>
      )}
      {hasMore && (
        <button type="button" className="btn btn-ghost btn-sm" onClick={onMore}>
          Show older conversations
        </button>
      )}
    </nav>
  );
}

function RenameForm({ conversation, onSave, onCancel }: { conversation: Conversation; onSave: (title: string) => Promise<void>; onCancel: () => void }) {
  const [title, setTitle] = useState(conversation.title ?? '');
  const [busy, setBusy] = useState(false);
  const invalid = title.trim() === '' || tooLong(title, LIMITS.conversationTitle);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (invalid) return;
    setBusy(true);
    await onSave(title.trim());
    setBusy(false);
  }

  return (
    <form className={styles.renameForm} onSubmit={submit}>
      <input
        className="input input-sm"
        aria-label="Conversation name"
        aria-describedby={`rename-${conversation.id}`}
        aria-invalid={tooLong(title, LIMITS.conversationTitle)}
        value={title}
        autoFocus
        onChange={(e) => setTitle(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
        }}
      />
      <LengthHint id={`rename-${conversation.id}`} value={title} max={LIMITS.conversationTitle} label="Name" />
      <span className="form-actions">
        <button type="button" className="btn btn-ghost btn-sm" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary btn-sm" disabled={busy || invalid}>
          Save
        </button>
      </span>
    </form>
  );
}
