'use client';

import { Icon } from '@/components/icons';
import styles from './settings.module.css';
import { newKey } from './draft';
import type { CategoryDraft } from './types';

export function CategoriesEditor({
  custom,
  categories,
  onCustom,
  onChange,
}: {
  custom: boolean;
  categories: CategoryDraft[];
  onCustom: (custom: boolean) => void;
  onChange: (categories: CategoryDraft[]) => void;
}) {
  const set = (key: number, patch: Partial<CategoryDraft>) => onChange(categories.map((c) => (c.key === key ? { ...c, ...patch } : c)));
  return (
    <div className="stack">
      <label className={styles.inlineCheck}>
        <input type="checkbox" checked={custom} onChange={(e) => onCustom(e.target.checked)} />
        <span>Use our own categories (otherwise the built-in set below)</span>
      </label>
      {categories.map((c, i) => (
        <div key={c.key} className={styles.category} data-testid="category-row">
          <input
            className="input input-sm"
            aria-label={`Category ${i + 1} name`}
            maxLength={100}
            disabled={!custom}
            value={c.name}
            onChange={(e) => set(c.key, { name: e.target.value })}
          />
          <input
            className="input input-sm"
            aria-label={`Category ${i + 1} description`}
            maxLength={1000}
            disabled={!custom}
            placeholder="Words that describe it help the classifier"
            value={c.description}
            onChange={(e) => set(c.key, { description: e.target.value })}
          />
          {custom && (
            <button type="button" className="icon-button" aria-label={`Remove category ${i + 1}`} onClick={() => onChange(categories.filter((x) => x.key !== c.key))}>
              <Icon name="x" size={16} />
            </button>
          )}
        </div>
      ))}
      {custom && (
        <div>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => onChange([...categories, { key: newKey(), name: '', description: '' }])}>
            <Icon name="plus" size={14} /> Add category
          </button>
        </div>
      )}
    </div>
  );
}
