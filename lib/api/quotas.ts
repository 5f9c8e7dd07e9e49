import { defineOperation } from '@/lib/http/operation';
import { quotaReportSchema } from '@/lib/quotas/report';

export const getQuotasOp = defineOperation({
  id: 'getQuotas',
  method: 'GET',
  path: '/api/v1/quotas',
  summary: 'Consumption against each quota and budget (documents and AI spend per UTC month, storage, members)',
  tag: 'usage',
  auth: 'tenant',
  permission: 'usage:read',
  response: quotaReportSchema,
});
