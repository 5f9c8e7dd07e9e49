import { z } from 'zod';
import { billingViewSchema, invoiceSchema, issueInvoiceSchema } from '@/lib/billing/accounts';
import { setInfraCostSchema } from '@/lib/economics/infra-costs';
import { incidentSchema } from '@/lib/health/incidents';
import { defineOperation } from '@/lib/http/operation';
import { maintenanceStateSchema, setMaintenanceSchema } from '@/lib/maintenance';
import { operatorEmailSchema } from '@/lib/ops/operators';
import { consoleIncidentSchema, updateIncidentSchema } from '@/lib/ops/platform-actions';
import { platformTenantSchema, updateTenantPlatformSchema } from '@/lib/settings/organization';
import { idParams } from './common';

// The operator console's own API (/ops pages call it from the browser with the operator's session; lib/http/
// operator-route.ts). 404 for anyone who is not an operator; an operator without TOTP gets mfa_required.
const consoleOp = { tag: 'operator console', auth: 'user' } as const;

export const updateTenantFromConsoleOp = defineOperation({
  ...consoleOp,
  id: 'updateTenantFromConsole',
  method: 'PATCH',
  path: '/api/ops/tenants/{id}',
  summary: "Operator console: suspend or reactivate an organization, change its plan, or override its quotas",
  params: idParams,
  body: updateTenantPlatformSchema,
  response: platformTenantSchema,
});

export const issueInvoiceFromConsoleOp = defineOperation({
  ...consoleOp,
  id: 'issueInvoiceFromConsole',
  method: 'POST',
  path: '/api/ops/tenants/{id}/invoices',
  summary: "Operator console (manual billing): issue this month's invoice, or next month's",
  params: idParams,
  body: issueInvoiceSchema,
  response: invoiceSchema,
  status: 201,
});

export const payInvoiceFromConsoleOp = defineOperation({
  ...consoleOp,
  id: 'payInvoiceFromConsole',
  method: 'POST',
  path: '/api/ops/tenants/{id}/invoices/{invoiceId}/pay',
  summary: 'Operator console (manual billing): mark an invoice paid',
  params: z.strictObject({ id: z.uuid(), invoiceId: z.uuid() }),
  response: billingViewSchema,
});

export const postIncidentFromConsoleOp = defineOperation({
  ...consoleOp,
  id: 'postIncidentFromConsole',
  method: 'POST',
  path: '/api/ops/incidents',
  summary: 'Operator console: post an incident on /status, or resolve it',
  body: consoleIncidentSchema,
  response: z.object({ incident: incidentSchema.nullable() }),
});

export const updateIncidentFromConsoleOp = defineOperation({
  ...consoleOp,
  id: 'updateIncidentFromConsole',
  method: 'PATCH',
  path: '/api/ops/incidents/{id}',
  summary: "Operator console: reword an open incident's title and detail on /status",
  params: idParams,
  body: updateIncidentSchema,
  response: z.object({ incident: incidentSchema }),
});

export const setMaintenanceFromConsoleOp = defineOperation({
  ...consoleOp,
  id: 'setMaintenanceFromConsole',
  method: 'PUT',
  path: '/api/ops/maintenance',
  summary: 'Operator console: switch maintenance mode on or off',
  body: setMaintenanceSchema,
  response: maintenanceStateSchema,
});

export const setInfraCostFromConsoleOp = defineOperation({
  ...consoleOp,
  id: 'setInfraCostFromConsole',
  method: 'PUT',
  path: '/api/ops/infra-costs',
  summary: "Operator console: enter a month's infrastructure cost (allocated to organizations in unit economics)",
  body: setInfraCostSchema,
  response: z.object({ month: z.iso.date(), amountCents: z.number().int(), note: z.string(), updatedAt: z.iso.datetime(), updatedBy: z.string() }),
});

// Automation (and the e2e setup) grants operators with the platform token, as the CLI does on a shell.
export const grantOperatorOp = defineOperation({
  id: 'grantOperator',
  method: 'POST',
  path: '/api/platform/operators',
  summary: 'Operators: grant the operator role (the /ops console) to an existing account; it still needs TOTP to use it',
  tag: 'platform',
  auth: 'platform',
  body: z.strictObject({ email: operatorEmailSchema }),
  response: z.object({ email: z.string(), granted: z.boolean() }),
});
