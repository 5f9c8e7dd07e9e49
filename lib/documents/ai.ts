import { AsyncLocalStorage } from 'node:async_hooks';
import { aiEnvSchema, createProvidersFromEnv, type AiEnv, type AiProviders, type ProviderRegistryOptions } from '@/lib/ai/registry';
import { createAiRouter, type AiRouter, type AiUsageRow } from '@/lib/ai/router';
import { withTenant } from '@/lib/db/tenant';
import { registerAiCircuitSource } from '@/lib/health/ai-circuits';
import { recordAiUsage } from '@/lib/usage/record';
import { WorkerOfflineProvider } from '@/lib/workers/offline-provider';
import { getAiSettings, resolvePolicy, type AiSettings } from './ai-settings';

interface AiScope {
  settings: AiSettings;
  usage: AiUsageRow[];
}

export interface DocumentAi {
  // In-process providers: what settings show, and what query-time calls (lib/search/ai.ts) use.
  providers: AiProviders;
  // The pipeline's router: the same providers, with offline work in the worker pool.
  router: AiRouter;
}

export interface DocumentAiOptions {
  env?: AiEnv;
  registry?: ProviderRegistryOptions;
  providers?: AiProviders;
}

// Lets a pipeline step hand the router the settings it already read, and collect the usage rows of its calls
// (the step's cost), without threading them through every call.
const scope = new AsyncLocalStorage<AiScope>();

function aiEnvFromProcess(): AiEnv {
  const env: Record<string, string | undefined> = process.env;
  return Object.fromEntries(Object.keys(aiEnvSchema.shape).map((key) => [key, env[key]]));
}

// The pipeline's offline calls run in the worker pool (lib/workers), off the thread that serves HTTP. Injected
// providers are used as they are.
function pipelineProvidersOf(options: DocumentAiOptions, providers: AiProviders): AiProviders {
  return options.providers ? providers : { ...providers, offline: new WorkerOfflineProvider() };
}

function build(options: DocumentAiOptions): DocumentAi {
  const providers = options.providers ?? createProvidersFromEnv(options.env ?? aiEnvFromProcess(), options.registry);
  const router = createAiRouter({
    providers: pipelineProvidersOf(options, providers),
    // Outside a scope this opens its own tenant transaction: never call the router with one already open.
    policyFor: async (tenantId, op) => {
      const settings = scope.getStore()?.settings ?? (await withTenant(tenantId, getAiSettings));
      return resolvePolicy(settings, op, providers);
    },
    recordUsage: async (row) => {
      await recordAiUsage(row);
      scope.getStore()?.usage.push(row);
    },
  });
  // Readiness and /status show the pipeline router's circuit breakers.
  registerAiCircuitSource((provider) => router.circuitState(provider));
  return { providers, router };
}

// One router per process, so circuit breakers remember failures across documents.
const holder = globalThis as typeof globalThis & { __reflexDocumentAi?: DocumentAi };

export function getDocumentAi(): DocumentAi {
  holder.__reflexDocumentAi ??= build({});
  return holder.__reflexDocumentAi;
}

// Rebuilds providers and router, e.g. after the environment changed (tests, or an operator reconfiguring).
export function configureDocumentAi(options: DocumentAiOptions = {}): DocumentAi {
  holder.__reflexDocumentAi = build(options);
  return holder.__reflexDocumentAi;
}

// Usage rows of the calls made inside `fn` are appended to `usage`, also when `fn` fails.
export function runInAiScope<T>(settings: AiSettings, usage: AiUsageRow[], fn: () => Promise<T>): Promise<T> {
  return scope.run({ settings, usage }, fn);
}
