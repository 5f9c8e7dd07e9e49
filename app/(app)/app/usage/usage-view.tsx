'use client';

import { useMemo, useState } from 'react';
import { formatCost } from '@/components/documents/format';
import { formatDay } from '@/lib/ui/format';
import { useCan } from '@/components/shell/me-context';
import { Alert, Card, EmptyState, PageHeader, Spinner } from '@/components/ui';
import { addUsage } from '@/lib/usage/sum';
import type { UsageSummary } from '@/lib/usage/summary';
import { useResource } from '@/lib/ui/use-resource';
import styles from './usage.module.css';

const RANGES = [7, 30, 90] as const;
const NUMBER = new Intl.NumberFormat('en');

type Row = UsageSummary['rows'][number];
type Grouping = 'day' | 'operation' | 'provider';

function fromDate(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

// Rows come per (day, operation, provider); the other views add them up by one key.
function groupRows(rows: Row[], by: Grouping): Row[] {
  if (by === 'day') return [...rows].sort((a, b) => b.day.localeCompare(a.day) || a.operation.localeCompare(b.operation) || a.provider.localeCompare(b.provider));
  const groups = new Map<string, Row>();
  for (const r of rows) {
    const key = r[by];
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { ...r, day: '', operation: by === 'operation' ? r.operation : '', provider: by === 'provider' ? r.provider : '' });
      continue;
    }
    addUsage(g, r);
  }
  return [...groups.values()].sort((a, b) => b.costMicros - a.costMicros || b.calls - a.calls);
}

export function UsageView() {
  const can = useCan();
  const allowed = can('usage:read');
  const [days, setDays] = useState<(typeof RANGES)[number]>(30);
  const [by, setBy] = useState<Grouping>('day');
  const usage = useResource<UsageSummary>(allowed ? `/api/v1/usage?from=${fromDate(days)}` : null);
  const rows = useMemo(() => groupRows(usage.data?.rows ?? [], by), [usage.data, by]);

  if (!allowed) {
    return (
      <>
        <PageHeader title="Usage" />
        <Alert tone="warning" title="No access">
          Viewing usage needs the usage:read permission.
        </Alert>
      </>
    );
  }

  const t = usage.data?.totals;
  return (
    <>
      <PageHeader
        title="Usage"
        description="Every AI call your organization made: tokens, audio, cost and escalations, by day, operation and provider."
        actions={
          <div className={styles.controls}>
            <select className="input input-sm select" aria-label="Period" value={days} onChange={(e) => setDays(RANGES.find((r) => String(r) === e.target.value) ?? 30)}>
              {RANGES.map((r) => (
                <option key={r} value={r}>
                  Last {r} days
                </option>
              ))}
            </select>
            <select className="input input-sm select" aria-label="Group by" value={by} onChange={(e) => setBy(e.target.value === 'operation' ? 'operation' : e.target.value === 'provider' ? 'provider' : 'day')}>
              <option value="day">By day, operation and provider</option>
              <option value="operation">By operation</option>
              <option value="provider">By provider</option>
            </select>
          </div>
        }
      />
      {usage.error && <Alert tone="error">{usage.error}</Alert>}
      {t && (
        <div className="stat-grid" data-testid="usage-totals">
          <div className="stat">
            <div className="stat-label">Cost</div>
            <div className="stat-value">{formatCost(t.costMicros)}</div>
            <div className="stat-sub">{NUMBER.format(t.calls)} calls</div>
          </div>
          <div className="stat">
            <div className="stat-label">Tokens</div>
            <div className="stat-value">{NUMBER.format(t.inputTokens + t.outputTokens)}</div>
            <div className="stat-sub">
              {NUMBER.format(t.inputTokens)} in · {NUMBER.format(t.outputTokens)} out · {NUMBER.format(Math.round(t.audioSeconds / 60))} audio min
            </div>
          </div>
          <div className="stat">
            <div className="stat-label">Reliability</div>
            <div className="stat-value">{t.calls === 0 ? '—' : `${(((t.calls - t.failedCalls) / t.calls) * 100).toFixed(1)}%`}</div>
            <div className="stat-sub">
              {NUMBER.format(t.failedCalls)} failed · {NUMBER.format(t.escalatedCalls)} escalated
            </div>
          </div>
        </div>
      )}
      <Card title="Breakdown" flush>
        {usage.loading ? (
          <Spinner label="Loading usage" />
        ) : rows.length === 0 ? (
          <EmptyState icon="chart" title="No AI calls in this period">
            Upload a document or ask the assistant; every call shows up here.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table table-responsive" data-testid="usage-table">
              <thead>
                <tr>
                  {by === 'day' && <th>Day</th>}
                  {by !== 'provider' && <th>Operation</th>}
                  {by !== 'operation' && <th>Provider</th>}
                  <th className="align-right">Calls</th>
                  <th className="align-right">Failed</th>
                  <th className="align-right">Escalated</th>
                  <th className="align-right">Tokens in/out</th>
                  <th className="align-right">Audio</th>
                  <th className="align-right">Cost</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.day}|${r.operation}|${r.provider}`}>
                    {by === 'day' && <td data-label="Day" className="nowrap">{formatDay(r.day)}</td>}
                    {by !== 'provider' && <td data-label="Operation">{r.operation}</td>}
                    {by !== 'operation' && <td data-label="Provider">{r.provider}</td>}
                    <td data-label="Calls" className="align-right">{NUMBER.format(r.calls)}</td>
                    <td data-label="Failed" className={`align-right ${r.failedCalls > 0 ? styles.bad : ''}`}>{NUMBER.format(r.failedCalls)}</td>
                    <td data-label="Escalated" className="align-right">{NUMBER.format(r.escalatedCalls)}</td>
                    <td data-label="Tokens" className="align-right nowrap">
                      {NUMBER.format(r.inputTokens)} / {NUMBER.format(r.outputTokens)}
                    </td>
                    <td data-label="Audio" className="align-right">{r.audioSeconds > 0 ? `${Math.round(r.audioSeconds)} s` : '—'}</td>
                    <td data-label="Cost" className="align-right nowrap">{formatCost(r.costMicros)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                {t && (
                  <tr className={styles.total}>
                    <td colSpan={by === 'day' ? 3 : 1}>Total</td>
                    <td className="align-right">{NUMBER.format(t.calls)}</td>
                    <td className="align-right">{NUMBER.format(t.failedCalls)}</td>
                    <td className="align-right">{NUMBER.format(t.escalatedCalls)}</td>
                    <td className="align-right nowrap">
                      {NUMBER.format(t.inputTokens)} / {NUMBER.format(t.outputTokens)}
                    </td>
                    <td className="align-right">{t.audioSeconds > 0 ? `${Math.round(t.audioSeconds)} s` : '—'}</td>
                    <td className="align-right nowrap">{formatCost(t.costMicros)}</td>
                  </tr>
                )}
              </tfoot>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
