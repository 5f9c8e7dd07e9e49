import { defineOperation } from '@/lib/http/operation';
import { usageQuerySchema, usageSummarySchema } from '@/lib/usage/summary';

export const getUsageOp = defineOperation({
  id: 'getUsage',
  method: 'GET',
  path: '/api/v1/usage',
  summary: 'AI usage and cost by UTC day, operation and provider, with totals (default: the last 30 days)',
  tag: 'usage',
  auth: 'tenant',
  permission: 'usage:read',
  query: usageQuerySchema,
  response: usageSummarySchema,
});
