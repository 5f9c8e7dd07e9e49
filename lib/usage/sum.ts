// The additive counters of a usage row. Pure (no server imports), so the usage page can regroup rows the same way
// the server totals them.
export interface UsageCounters {
  calls: number;
  failedCalls: number;
  escalatedCalls: number;
  inputTokens: number;
  outputTokens: number;
  audioSeconds: number;
  costMicros: number;
}

export function emptyUsage(): UsageCounters {
  return { calls: 0, failedCalls: 0, escalatedCalls: 0, inputTokens: 0, outputTokens: 0, audioSeconds: 0, costMicros: 0 };
}

export function addUsage(into: UsageCounters, row: UsageCounters): void {
  into.calls += row.calls;
  into.failedCalls += row.failedCalls;
  into.escalatedCalls += row.escalatedCalls;
  into.inputTokens += row.inputTokens;
  into.outputTokens += row.outputTokens;
  into.audioSeconds += row.audioSeconds;
  into.costMicros += row.costMicros;
}
