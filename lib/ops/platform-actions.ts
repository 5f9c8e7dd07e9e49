import { z } from 'zod';
import { setInfraCost, setInfraCostSchema } from '@/lib/economics/infra-costs';
import { formatCents } from '@/lib/billing/plans';
import { recordIncident, recordIncidentSchema, updateIncidentText } from '@/lib/health/incidents';
import { notFound } from '@/lib/http/errors';
import { setMaintenance, setMaintenanceSchema } from '@/lib/maintenance';
import { recordOperatorAction } from './action-log';

// Platform-wide operator actions from the console, each written to the operator-action log (lib/ops/action-log.ts).

export interface ConsoleOperator {
  email: string;
}

// The console's incident form: open one (or update the open one's words) or resolve it. Always a manual incident.
export const consoleIncidentSchema = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('open'), component: z.string().trim().min(1).max(64), title: z.string().trim().min(1).max(140), detail: z.string().trim().max(500).default('') }),
  z.strictObject({ state: z.literal('resolved'), component: z.string().trim().min(1).max(64) }),
]);

export async function postIncident(op: ConsoleOperator, input: z.infer<typeof consoleIncidentSchema>) {
  const incident = await recordIncident(recordIncidentSchema.parse({ ...input, kind: 'manual' }));
  await recordOperatorAction(
    { label: op.email },
    input.state === 'open'
      ? { action: 'incidents.open', summary: `Posted an incident on ${input.component}: ${input.title}`, metadata: { component: input.component } }
      : { action: 'incidents.resolve', summary: `Resolved the incident on ${input.component}`, metadata: { component: input.component, found: incident !== null } },
  );
  return { incident };
}

export const updateIncidentSchema = z.strictObject({ title: z.string().trim().min(1).max(140), detail: z.string().trim().max(500).default('') });

export async function rewordIncident(op: ConsoleOperator, id: string, input: z.infer<typeof updateIncidentSchema>) {
  const incident = await updateIncidentText(id, input);
  if (!incident) throw notFound('Open incident');
  await recordOperatorAction({ label: op.email }, { action: 'incidents.update', summary: `Updated the incident on ${incident.component}: ${incident.title}`, metadata: { component: incident.component } });
  return { incident };
}

export async function switchMaintenance(op: ConsoleOperator, input: z.infer<typeof setMaintenanceSchema>) {
  const state = await setMaintenance(input);
  await recordOperatorAction(
    { label: op.email },
    { action: input.enabled ? 'maintenance.on' : 'maintenance.off', summary: input.enabled ? 'Switched maintenance mode on' : 'Switched maintenance mode off', metadata: { message: input.message ?? null } },
  );
  return state;
}

export async function enterInfraCost(op: ConsoleOperator, input: z.input<typeof setInfraCostSchema>) {
  const cost = await setInfraCost(input, op.email);
  const month = new Date(`${cost.month}T00:00:00Z`).toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  await recordOperatorAction({ label: op.email }, { action: 'infraCosts.set', summary: `Set the infrastructure cost of ${month} to ${formatCents(cost.amountCents)}`, metadata: { month: cost.month, amountCents: cost.amountCents } });
  return cost;
}
