import Link from 'next/link';
import { Time } from '@/components/time';
import { formatBytes } from '@/lib/ui/format';
import styles from './documents.module.css';
import { StatusBadge } from './status-badge';
import { KIND_LABEL, type DocumentSummary } from './types';


export function DocumentsTable({ documents }: { documents: DocumentSummary[] }) {
  return (
    <div className="table-wrap">
      <table className="table table-responsive">
        <thead>
          <tr>
            <th>Document</th>
            <th>Status</th>
            <th>Category</th>
            <th>Tags</th>
            <th className="align-right">Added</th>
          </tr>
        </thead>
        <tbody>
          {documents.map((d) => (
            <tr key={d.id} data-testid="document-row" data-title={d.title} data-status={d.status}>
              <td data-label="Document">
                <Link href={`/app/documents/${d.id}`} className={styles.docTitle}>
                  {d.title}
                </Link>
                <div className="muted small">
                  {KIND_LABEL[d.kind]} · {formatBytes(d.sizeBytes)}
                  {d.filename && d.filename !== d.title ? ` · ${d.filename}` : ''}
                </div>
                {d.status === 'failed' && d.error && <div className={styles.rowError}>{d.error}</div>}
              </td>
              <td data-label="Status">
                <StatusBadge status={d.status} step={d.currentStep} />
              </td>
              <td data-label="Category">{d.category ? <span className="chip">{d.category}</span> : <span className="muted">—</span>}</td>
              <td data-label="Tags">
                <div className="chips chips-tight">
                  {d.tags.slice(0, 4).map((t) => (
                    <span key={t} className="chip">
                      {t}
                    </span>
                  ))}
                  {d.tags.length > 4 && (
                    <span className="chip chip-more" title={d.tags.slice(4).join(', ')}>
                      +{d.tags.length - 4}
                    </span>
                  )}
                </div>
              </td>
              <td data-label="Added" className="align-right nowrap muted">
                <Time value={d.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
