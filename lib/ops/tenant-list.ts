import { loadEconomicsHistory, monthFacts } from '@/lib/economics/report';

// The console's tenants table: this month's figures for every organization (lib/economics).

export interface ConsoleTenantRow {
  id: string;
  name: string;
  slug: string;
  plan: string;
  status: string;
  billingStatus: string | null;
  createdAt: string;
  seats: number;
  requests: number;
  storageBytes: number;
  documentsProcessed: number;
  revenueCents: number;
  aiCostCents: number;
  infraCents: number;
  cogsCents: number;
  margin: number | null;
  breakEvenSeats: number;
}

export async function listConsoleTenants(now = new Date(), search = ''): Promise<{ month: string; rows: ConsoleTenantRow[] }> {
  const history = await loadEconomicsHistory(now, 1);
  const report = history.reports[0];
  const month = history.months[0] ?? '';
  const needle = search.trim().toLowerCase();
  const rows: ConsoleTenantRow[] = [];
  for (const t of history.tenants) {
    if (needle && !t.name.toLowerCase().includes(needle) && !t.slug.toLowerCase().includes(needle)) continue;
    const e = report?.tenants.find((x) => x.tenantId === t.id);
    const f = monthFacts(history, t.id, month);
    rows.push({
      id: t.id,
      name: t.name,
      slug: t.slug,
      plan: t.plan,
      status: t.status,
      billingStatus: history.facts.get(t.id)?.billingStatus ?? null,
      createdAt: t.createdAt.toISOString(),
      seats: e?.seats ?? 0,
      requests: f.requests,
      storageBytes: e?.storageBytes ?? 0,
      documentsProcessed: f.documentsProcessed,
      revenueCents: e?.revenueCents ?? 0,
      aiCostCents: e?.aiCostCents ?? 0,
      infraCents: e?.infraCents ?? 0,
      cogsCents: e?.cogsCents ?? 0,
      margin: e?.margin ?? null,
      breakEvenSeats: e?.breakEvenSeats ?? 0,
    });
  }
  return { month, rows };
}
