import { dashboardSchema } from '@/lib/dashboard/dashboard';
import { defineOperation } from '@/lib/http/operation';

export const getDashboardOp = defineOperation({
  id: 'getDashboard',
  method: 'GET',
  path: '/api/v1/dashboard',
  summary:
    'What the dashboard shows: documents by status and the latest ones, open tasks (due this week, overdue, yours), ' +
    'your latest conversations and usage against the plan. Each part is null without the permission its own endpoint needs.',
  tag: 'dashboard',
  auth: 'tenant',
  response: dashboardSchema,
});
