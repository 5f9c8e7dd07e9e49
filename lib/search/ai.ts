import { AsyncLocalStorage } from 'node:async_hooks';
import type { AiProviders } from '@/lib/ai/registry';
import { createAiRouter, type AiRouter } from '@/lib/ai/router';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { getDocumentAi } from '@/lib/documents/ai';
import { getAiSettings, resolvePolicy, type AiSettings } from '@/lib/documents/ai-settings';
import { insertAiUsage, recordAiUsage } from '@/lib/usage/record';

// Query-time AI calls (search embeddings, assistant answers). They differ from pipeline calls in one way: the
// query embedding runs inside the request's tenant transaction, and embedded PGlite has one connection, so its
// usage row must be written through that transaction rather than a new one (which would wait forever).
interface QueryScope {
  settings: AiSettings;
  tx: Tx | undefined;
}

const scope = new AsyncLocalStorage<QueryScope>();

function build(providers: AiProviders): AiRouter {
  return createAiRouter({
    providers,
    policyFor: async (tenantId, op) => {
      const settings = scope.getStore()?.settings ?? (await withTenant(tenantId, getAiSettings));
      return resolvePolicy(settings, op, providers);
    },
    recordUsage: async (row) => {
      const tx = scope.getStore()?.tx;
      if (tx) await insertAiUsage(tx, row);
      else await recordAiUsage(row);
    },
  });
}

// One router per provider set, so its circuit breakers remember failures across requests; the provider set is the
// pipeline's, so reconfiguring that (tests, an operator) applies here too.
const holder = globalThis as typeof globalThis & { __reflexQueryAi?: { providers: AiProviders; router: AiRouter } };

export function getQueryAi(): { providers: AiProviders; router: AiRouter } {
  const { providers } = getDocumentAi();
  if (holder.__reflexQueryAi?.providers !== providers) holder.__reflexQueryAi = { providers, router: build(providers) };
  return holder.__reflexQueryAi;
}

// Runs fn with the tenant's settings already loaded; with `tx`, usage rows are written through it.
export function runQueryAi<T>(settings: AiSettings, tx: Tx | undefined, fn: (router: AiRouter) => Promise<T>): Promise<T> {
  const { router } = getQueryAi();
  return scope.run({ settings, tx }, () => fn(router));
}
