import { getBillingView, type BillingView } from '@/lib/billing/accounts';
import { withTenant } from '@/lib/db/tenant';
import type { TenantEconomics } from '@/lib/economics/compute';
import { loadEconomicsHistory, type PlatformTenant } from '@/lib/economics/report';
import { getQuotaReport, type QuotaReport } from '@/lib/quotas/report';

export interface ConsoleTenantDetail {
  tenant: { id: string; name: string; slug: string; plan: string; status: string; createdAt: string };
  billing: BillingView;
  quotas: QuotaReport;
  economics: TenantEconomics | null;
  month: string;
}

/** One organization for the console, or null when the id names none (the page answers 404). */
export async function getConsoleTenant(tenantId: string, now = new Date()): Promise<ConsoleTenantDetail | null> {
  // The month's allocation needs every organization's usage, so the whole month is computed.
  const history = await loadEconomicsHistory(now, 1);
  const tenant: PlatformTenant | undefined = history.tenants.find((t) => t.id === tenantId);
  if (!tenant) return null;
  const { billing, quotas } = await withTenant(tenantId, async (tx) => ({ billing: await getBillingView(tx, now), quotas: await getQuotaReport(tx, tenantId, now) }));
  return {
    tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug, plan: tenant.plan, status: tenant.status, createdAt: tenant.createdAt.toISOString() },
    billing,
    quotas,
    economics: history.reports[0]?.tenants.find((t) => t.tenantId === tenantId) ?? null,
    month: history.months[0] ?? '',
  };
}
