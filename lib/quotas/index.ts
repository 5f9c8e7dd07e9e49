export { assertAiBudgetLeft, assertDocumentUploadAllowed, assertQuota, checkQuota } from './enforce';
export { PLAN_QUOTAS, QUOTA_KINDS, quotaOverridesSchema, type QuotaKind, type QuotaOverrides } from './plans';
export { getQuotaReport, quotaReportSchema } from './report';
export { notifyQuotaThresholds, QUOTA_THRESHOLD_EVENT } from './thresholds';
export { readQuotaState, setQuotaOverrides } from './usage';
