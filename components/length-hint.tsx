// Under a name or title field: how much of its limit is used, and, once over, what is wrong, so the form never
// cuts text silently (no maxLength) and the server's refusal never comes as a surprise.
const SHOW_FROM = 0.8;

export function tooLong(value: string, max: number): boolean {
  return value.trim().length > max;
}

export function LengthHint({ id, value, max, label, hint }: { id?: string; value: string; max: number; label: string; hint?: string }) {
  const length = value.trim().length;
  if (length > max) {
    return (
      <span id={id} className="hint hint-error" role="alert">
        {label} must be at most {max} characters; it has {length}. Shorten it by {length - max}.
      </span>
    );
  }
  if (length < max * SHOW_FROM) return hint ? <span id={id} className="hint">{hint}</span> : null;
  return (
    <span id={id} className="hint" aria-live="polite">
      {hint ? `${hint} ` : ''}
      {length} / {max} characters
    </span>
  );
}
