export const ALERT_POST_TIMEOUT_MS = 10_000;

export class AlertDeliveryError extends Error {}

// One JSON POST to an alert destination (Slack, a paging webhook). Anything but a 2xx throws, so the calling step
// is retried by the pipeline; `destination` names it in the error.
export async function postAlert(url: string, body: unknown, destination: string, timeoutMs = ALERT_POST_TIMEOUT_MS): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const answer = await res.text();
  if (!res.ok) throw new AlertDeliveryError(`${destination} answered ${res.status}: ${answer.slice(0, 200)}`);
}
