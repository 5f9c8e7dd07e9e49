import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { tenants, type PLANS } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import type { PipelineJob } from './jobs';

export type Plan = (typeof PLANS)[number];

// How the document pipeline shares capacity between tenants. concurrency: documents of one tenant processed at the
// same time. prioritySeconds: Inngest's priority factor — a queued run starts as if it had been enqueued this many
// seconds earlier, so under load an enterprise document overtakes up to ten minutes of other plans' backlog.
export const PIPELINE_PLAN_SCHEDULING: Record<Plan, { concurrency: number; prioritySeconds: number }> = {
  standard: { concurrency: 2, prioritySeconds: 0 },
  professional: { concurrency: 4, prioritySeconds: 120 },
  enterprise: { concurrency: 8, prioritySeconds: 600 },
};

// Inngest's concurrency limit is one number per constraint, whatever the key, and a function has at most two
// constraints (the second is the global cap). So a tenant's limit is made of lanes: each lane is its own key with
// LANE_LIMIT slots, and a plan gets concurrency / LANE_LIMIT lanes. A document is put on a lane by a hash of its
// id and generation, so a tenant's backlog spreads over all of its lanes (a small burst may leave a lane idle).
export const LANE_LIMIT = 2;
export const MAX_LANES = Math.max(...Object.values(PIPELINE_PLAN_SCHEDULING).map((s) => s.concurrency / LANE_LIMIT));

export function lanesFor(plan: Plan): number {
  return PIPELINE_PLAN_SCHEDULING[plan].concurrency / LANE_LIMIT;
}

export function pickLane(job: PipelineJob, plan: Plan): number {
  const digest = createHash('sha256').update(`${job.documentId}:${job.generation}`).digest();
  return digest.readUInt32BE(0) % lanesFor(plan);
}

// The expressions the pipeline function declares (CEL, evaluated by Inngest, or by the local runner's subset).
export const LANE_KEY_EXPRESSION = "event.data.tenantId + ':' + string(event.data.lane)";

// `event.data.plan == 'enterprise' ? 600 : (event.data.plan == 'professional' ? 120 : 0)`, from the table above.
export function buildPriorityExpression(): string {
  const ranked = Object.entries(PIPELINE_PLAN_SCHEDULING)
    .filter(([, s]) => s.prioritySeconds !== 0)
    .sort(([, a], [, b]) => b.prioritySeconds - a.prioritySeconds);
  return ranked.reduceRight<string>((rest, [plan, s]) => `(event.data.plan == '${plan}' ? ${s.prioritySeconds} : ${rest})`, '0');
}

// The pipeline function's two concurrency constraints: the tenant's lane, and the cap across all tenants.
export function buildPipelineConcurrency(globalLimit: number): [{ key: string; limit: number }, { limit: number }] {
  return [{ key: LANE_KEY_EXPRESSION, limit: LANE_LIMIT }, { limit: globalLimit }];
}

export async function readTenantPlan(tenantId: string): Promise<Plan> {
  const [row] = await withTenant(tenantId, (tx) => tx.select({ plan: tenants.plan }).from(tenants).where(eq(tenants.id, tenantId)));
  return row?.plan ?? 'standard';
}
