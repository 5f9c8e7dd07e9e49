const MICROS_PER_DOLLAR = 1_000_000;

export function formatCost(micros: number): string {
  if (micros === 0) return '$0';
  const dollars = micros / MICROS_PER_DOLLAR;
  return dollars >= 0.01 ? `$${dollars.toFixed(2)}` : `$${dollars.toFixed(6).replace(/0+$/, '')}`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
