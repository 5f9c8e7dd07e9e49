// The AI router keeps one circuit breaker per provider in memory. Whoever builds the process-wide router
// registers it here (`registerAiCircuitSource((p) => router.circuitState(p))`) so readiness and /status can
// show it without lib/health depending on how the router is assembled.
export type AiCircuitState = 'closed' | 'open' | 'half-open';
export type AiCircuitSource = (provider: string) => AiCircuitState;

const holder = globalThis as typeof globalThis & { __reflexAiCircuits?: AiCircuitSource };

export function registerAiCircuitSource(source: AiCircuitSource | undefined): void {
  holder.__reflexAiCircuits = source;
}

// undefined: no router has registered on this instance yet (no AI call made), so nothing is known.
export function aiCircuitState(provider: string): AiCircuitState | undefined {
  return holder.__reflexAiCircuits?.(provider);
}
