'use client';

import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Card } from '@/components/ui';
import type { DashboardMonth } from '@/lib/ops/dashboard';
import { money, moneyRound, monthLabel } from './format';
import styles from './ops.module.css';

const AXIS = { fontSize: 12, fill: '#6b7280' };
const BRAND = '#4f46e5';
const GREEN = '#16a34a';
const RED = '#dc2626';
const AMBER = '#d97706';
const GRAY = '#9ca3af';

const dollars = (v: unknown) => (typeof v === 'number' ? money(v) : String(v));
// Axis ticks in whole dollars where they are whole, with cents where the scale is that small.
const dollarTick = (v: number) => (v % 100 === 0 ? moneyRound(v) : money(v));

function NoData({ children }: { children: string }) {
  return <div className={styles.noData}>{children}</div>;
}

export function DashboardCharts({ months, threshold }: { months: DashboardMonth[]; threshold: number }) {
  const margins = months.flatMap((m) => (m.margin === null ? [] : [m.margin * 100]));
  // Down to the lowest margin shown (a loss is below 0), up to 100 %, in steps of 20.
  const marginFloor = Math.min(0, Math.floor(Math.min(...margins, 0) / 20) * 20);
  const hasUsage = months.some((m) => m.requests > 0 || m.documentsProcessed > 0);
  const hasAiCalls = months.some((m) => m.aiCalls > 0);
  const data = months.map((m) => ({
    ...m,
    label: monthLabel(m.month),
    marginPct: m.margin === null ? null : Math.round(m.margin * 1000) / 10,
    errorPct: m.aiErrorRate === null ? null : Math.round(m.aiErrorRate * 1000) / 10,
    churnedNeg: -m.churnedMrrCents,
  }));
  return (
    <div className={styles.charts} data-testid="ops-charts">
      <Card title="Recurring revenue" description="MRR: invoices for each month. New and churned MRR, month over month.">
        <div className={styles.chart}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" tick={AXIS} interval={0} />
              <YAxis tick={AXIS} tickFormatter={dollarTick} width={72} />
              <Tooltip formatter={dollars} />
              <Legend />
              <Bar dataKey="mrrCents" name="MRR" fill={BRAND} radius={[4, 4, 0, 0]} />
              <Bar dataKey="newMrrCents" name="New" fill={GREEN} radius={[4, 4, 0, 0]} />
              <Bar dataKey="churnedNeg" name="Churned" fill={RED} radius={[0, 0, 4, 4]} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </Card>
      <Card title="Costs" description="AI from the usage ledger; infrastructure as entered on the Platform page.">
        <div className={styles.chart}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" tick={AXIS} interval={0} />
              <YAxis tick={AXIS} tickFormatter={dollarTick} width={72} />
              <Tooltip formatter={dollars} />
              <Legend />
              <Bar dataKey="infraCents" name="Infrastructure" stackId="c" fill={GRAY} />
              <Bar dataKey="aiCostCents" name="AI APIs" stackId="c" fill={AMBER} radius={[4, 4, 0, 0]} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </Card>
      <Card title="Gross margin" description={`Revenue less AI and infrastructure costs. Under ${Math.round(threshold * 100)} % needs a review.`}>
        <div className={styles.chart}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} margin={{ top: 8, right: 28, left: 0, bottom: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" tick={AXIS} interval={0} />
              <YAxis tick={AXIS} unit=" %" domain={[marginFloor, 100]} allowDataOverflow width={56} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? `${v} %` : 'No revenue')} />
              <ReferenceLine y={threshold * 100} stroke={RED} strokeDasharray="4 4" label={{ value: 'Review', fill: RED, fontSize: 12, position: 'insideTopLeft' }} />
              <Line type="monotone" dataKey="marginPct" name="Gross margin" stroke={BRAND} strokeWidth={2} connectNulls dot />
            </LineChart>
          </ResponsiveContainer>
        </div>
      </Card>
      <Card title="Usage" description="API requests and documents processed each month.">
        {!hasUsage ? (
          <NoData>No API requests or processed documents counted yet. Requests reach the counts within 30 seconds.</NoData>
        ) : (
        <div className={styles.chart}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" tick={AXIS} interval={0} />
              <YAxis yAxisId="left" tick={AXIS} width={56} />
              <YAxis yAxisId="right" orientation="right" tick={AXIS} width={40} />
              <Tooltip />
              <Legend />
              <Bar yAxisId="left" dataKey="requests" name="API requests" fill={BRAND} radius={[4, 4, 0, 0]} />
              <Bar yAxisId="right" dataKey="documentsProcessed" name="Documents processed" fill={GREEN} radius={[4, 4, 0, 0]} />
            </BarChart>
          </ResponsiveContainer>
        </div>
        )}
      </Card>
      <Card title="Quality and speed" description="AI calls: share that failed or timed out, and the 95th percentile latency.">
        {!hasAiCalls ? (
          <NoData>No AI calls in these months.</NoData>
        ) : (
        <div className={styles.chart}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" tick={AXIS} interval={0} />
              <YAxis yAxisId="ms" tick={AXIS} unit=" ms" width={72} />
              <YAxis yAxisId="pct" orientation="right" tick={AXIS} unit=" %" width={48} />
              <Tooltip />
              <Legend />
              <Line yAxisId="ms" type="monotone" dataKey="aiP95Ms" name="P95 latency (ms)" stroke={AMBER} strokeWidth={2} connectNulls />
              <Line yAxisId="pct" type="monotone" dataKey="errorPct" name="Error rate (%)" stroke={RED} strokeWidth={2} connectNulls />
            </LineChart>
          </ResponsiveContainer>
        </div>
        )}
      </Card>
    </div>
  );
}
