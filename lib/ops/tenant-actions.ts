import { z } from 'zod';
import type { RequestFacts } from '@/lib/audit/events';
import { recordAuditEvent } from '@/lib/audit/record';
import { issueInvoice, issueInvoiceSchema, payInvoice } from '@/lib/billing/accounts';
import { withTenant } from '@/lib/db/tenant';
import { updateTenantAsOperator, updateTenantPlatformSchema } from '@/lib/settings/organization';

// Operator actions on one organization, from the console. Each reuses the domain function the platform-token API
// uses, and is written to that organization's own audit log with the operator named (actor `system`/`platform`,
// the operator's address as the erasable label), like every platform action (lib/audit/events.ts).

export interface ConsoleOperator {
  userId: string;
  email: string;
}

// What billing's own audit entries name as the actor of an operator's invoice or payment.
const billingActor = (op: ConsoleOperator) => `operator:${op.email}`;

async function audit(op: ConsoleOperator, tenantId: string, action: string, facts: RequestFacts, target: { type: string; id: string }, metadata: Record<string, string | number | boolean> = {}) {
  await withTenant(tenantId, (tx) =>
    recordAuditEvent(tx, {
      action,
      actor: { type: 'system', id: 'platform', label: op.email },
      target,
      requestId: facts.requestId,
      ip: facts.ip,
      userAgent: facts.userAgent,
      metadata: { method: facts.method, route: facts.route, operator: op.userId, ...metadata },
    }),
  );
}

export async function changeTenantAsOperator(op: ConsoleOperator, tenantId: string, input: z.infer<typeof updateTenantPlatformSchema>, facts: RequestFacts) {
  const result = await updateTenantAsOperator(tenantId, input);
  const changed: Record<string, string | boolean> = {};
  if (input.plan) changed.plan = input.plan;
  if (input.status) changed.status = input.status;
  if (input.quotas) changed.quotas = true;
  await audit(op, tenantId, 'ops.updateTenant', facts, { type: 'tenant', id: tenantId }, changed);
  return result;
}

export async function issueInvoiceAsConsoleOperator(op: ConsoleOperator, tenantId: string, input: z.infer<typeof issueInvoiceSchema>, facts: RequestFacts) {
  const invoice = await withTenant(tenantId, (tx) => issueInvoice(tx, input, billingActor(op)));
  await audit(op, tenantId, 'ops.issueInvoice', facts, { type: 'invoice', id: invoice.id }, { amountCents: invoice.amountCents });
  return invoice;
}

export async function payInvoiceAsConsoleOperator(op: ConsoleOperator, tenantId: string, invoiceId: string, facts: RequestFacts) {
  const billing = await withTenant(tenantId, (tx) => payInvoice(tx, invoiceId, billingActor(op)));
  await audit(op, tenantId, 'ops.payInvoice', facts, { type: 'invoice', id: invoiceId });
  return billing;
}
