import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/lib/db/sql';
import type { Tx } from '@/lib/db/types';
import { AppError } from '@/lib/http/errors';
import { addUsage, emptyUsage } from './sum';

const DAY_MS = 86_400_000;
export const DEFAULT_USAGE_DAYS = 30;
export const MAX_USAGE_DAYS = 366;

const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const usageQuerySchema = z.strictObject({
  from: dateOrDateTime.optional(),
  to: dateOrDateTime.optional(),
});
export type UsageQuery = z.output<typeof usageQuerySchema>;

const countsShape = {
  calls: z.number().int(),
  failedCalls: z.number().int(),
  escalatedCalls: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  audioSeconds: z.number(),
  costMicros: z.number().int(),
};

export const usageRowSchema = z.object({
  day: z.iso.date(),
  operation: z.string(),
  provider: z.string(),
  ...countsShape,
});

export const usageSummarySchema = z
  .object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    totals: z.object(countsShape),
    rows: z.array(usageRowSchema),
  })
  .meta({ id: 'UsageSummary' });
export type UsageSummary = z.infer<typeof usageSummarySchema>;

// A bare date means the whole UTC day: `to=2025-06-30` includes the 30th.
function resolveRange(query: UsageQuery, now: Date): { from: Date; to: Date } {
  const to = query.to ? (query.to.length === 10 ? new Date(Date.parse(query.to) + DAY_MS) : new Date(query.to)) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_USAGE_DAYS * DAY_MS);
  if (from.getTime() >= to.getTime()) throw new AppError('validation_failed', 'Invalid query: from must be before to');
  if (to.getTime() - from.getTime() > MAX_USAGE_DAYS * DAY_MS) {
    throw new AppError('validation_failed', `Invalid query: the range may span at most ${MAX_USAGE_DAYS} days`);
  }
  return { from, to };
}

interface RawRow {
  day: string;
  operation: string;
  provider: string;
  calls: number;
  failed_calls: number;
  escalated_calls: number;
  input_tokens: string | number;
  output_tokens: string | number;
  audio_seconds: string | number;
  cost_micros: string | number;
}

// RLS limits ai_usage to the current tenant; the range is [from, to).
export async function getUsageSummary(tx: Tx, query: UsageQuery, now = new Date()): Promise<UsageSummary> {
  const { from, to } = resolveRange(query, now);
  const raw = await queryRows<RawRow>(
    tx,
    sql`select to_char(date_trunc('day', created_at at time zone 'UTC'), 'YYYY-MM-DD') as day,
          operation, provider,
          count(*)::int as calls,
          count(*) filter (where outcome in ('error', 'timeout'))::int as failed_calls,
          count(*) filter (where escalated)::int as escalated_calls,
          sum(input_tokens)::bigint as input_tokens,
          sum(output_tokens)::bigint as output_tokens,
          sum(audio_seconds)::float8 as audio_seconds,
          sum(cost_micros)::bigint as cost_micros
        from ai_usage
        where created_at >= ${from.toISOString()}::timestamptz and created_at < ${to.toISOString()}::timestamptz
        group by 1, 2, 3
        order by 1, 2, 3`,
  );
  const rows = raw.map((r) => ({
    day: r.day,
    operation: r.operation,
    provider: r.provider,
    calls: r.calls,
    failedCalls: r.failed_calls,
    escalatedCalls: r.escalated_calls,
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    audioSeconds: Number(r.audio_seconds),
    costMicros: Number(r.cost_micros),
  }));
  const totals = emptyUsage();
  for (const r of rows) addUsage(totals, r);
  return { from: from.toISOString(), to: to.toISOString(), totals, rows };
}
