import { AppError } from '@/lib/http/errors';
import type { Tx } from '@/lib/db/types';
import { MONTHLY_QUOTAS, QUOTA_LABELS, nextPeriodStart, type QuotaKind } from './plans';
import { notifyQuotaThresholds } from './thresholds';
import { readQuotaState, type QuotaState } from './usage';

function refusal(state: QuotaState, kind: QuotaKind, amount: number, now: Date): AppError {
  const limit = state.limits[kind] ?? 0;
  const used = state.usage[kind];
  const resetsAt = MONTHLY_QUOTAS.has(kind) ? nextPeriodStart(now).toISOString() : null;
  const over = `${QUOTA_LABELS[kind]} would be ${used + amount}, over the limit of ${limit} (${state.plan} plan)`;
  const message =
    kind === 'ai_spend'
      ? `AI budget reached: this organization has used ${used} of its ${limit} micro-dollar AI budget for this month, so new AI work (uploads, questions) is refused until ${resetsAt?.slice(0, 10)} (UTC) or until an operator raises the budget.`
      : resetsAt
        ? `Quota exceeded: ${over}. The quota resets on ${resetsAt.slice(0, 10)} (UTC); an operator can raise the limit.`
        : `Quota exceeded: ${over}. Free some up or ask an operator to raise the limit.`;
  return new AppError('quota_exceeded', message, { details: { quota: kind, used, limit, requested: amount, resetsAt } });
}

// The check: refuses when `amount` more would pass the limit. amount 0 asks "is there budget left at all", which is
// how new AI work is gated: at 100% of the AI budget nothing new starts (work already in flight finishes).
export function checkQuota(state: QuotaState, kind: QuotaKind, amount: number, now = new Date()): void {
  const limit = state.limits[kind];
  if (limit === null) return;
  const used = state.usage[kind];
  if (amount === 0 ? used >= limit : used + amount > limit) throw refusal(state, kind, amount, now);
}

// Throws AppError('quota_exceeded') when `amount` more of `kind` is not allowed. Call it inside the tenant
// transaction that consumes the quota, before the write.
export async function assertQuota(tx: Tx, tenantId: string, kind: QuotaKind, amount: number, now = new Date()): Promise<QuotaState> {
  const state = await readQuotaState(tx, tenantId, now);
  checkQuota(state, kind, amount, now);
  return state;
}

// Gate for a new document: AI budget left, one more document this month, room for its bytes. Passing it also
// raises the 80% alerts the upload causes (once per period).
export async function assertDocumentUploadAllowed(tx: Tx, tenantId: string, sizeBytes: number, now = new Date()): Promise<void> {
  const state = await readQuotaState(tx, tenantId, now);
  checkQuota(state, 'ai_spend', 0, now);
  checkQuota(state, 'documents', 1, now);
  checkQuota(state, 'storage', sizeBytes, now);
  const after = { ...state, usage: { ...state.usage, documents: state.usage.documents + 1, storage: state.usage.storage + sizeBytes } };
  await notifyQuotaThresholds(tx, tenantId, after, now);
}

// Gate for AI work that is not an upload (an assistant question).
export async function assertAiBudgetLeft(tx: Tx, tenantId: string, now = new Date()): Promise<void> {
  await assertQuota(tx, tenantId, 'ai_spend', 0, now);
}
