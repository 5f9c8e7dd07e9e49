// Per-provider circuit breaker, in memory (so per server instance): closed -> open after N consecutive failures ->
// half-open after a cooldown, when exactly one trial call is let through; its result closes or re-opens the circuit.

export interface CircuitBreakerOptions {
  failureThreshold?: number;
  cooldownMs?: number;
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

interface Circuit {
  consecutiveFailures: number;
  openedAt: number | undefined;
  trialInFlight: boolean;
}

export class CircuitBreaker {
  private readonly circuits = new Map<string, Circuit>();
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  private circuit(key: string): Circuit {
    let c = this.circuits.get(key);
    if (c === undefined) {
      c = { consecutiveFailures: 0, openedAt: undefined, trialInFlight: false };
      this.circuits.set(key, c);
    }
    return c;
  }

  state(key: string): CircuitState {
    const c = this.circuit(key);
    if (c.openedAt === undefined) return 'closed';
    return this.now() - c.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  // Reserves the call: in half-open state only the first caller gets the trial.
  tryAcquire(key: string): boolean {
    const state = this.state(key);
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const c = this.circuit(key);
    if (c.trialInFlight) return false;
    c.trialInFlight = true;
    return true;
  }

  recordSuccess(key: string): void {
    const c = this.circuit(key);
    c.consecutiveFailures = 0;
    c.openedAt = undefined;
    c.trialInFlight = false;
  }

  recordFailure(key: string): void {
    const c = this.circuit(key);
    c.consecutiveFailures += 1;
    if (c.trialInFlight || c.consecutiveFailures >= this.failureThreshold) c.openedAt = this.now();
    c.trialInFlight = false;
  }

  // For calls whose outcome says nothing about the provider's health (caller abort, unsupported input).
  release(key: string): void {
    this.circuit(key).trialInFlight = false;
  }
}
