// Unexpected errors (the 500s the route wrapper answers, failed pipeline runs) go to whoever registered as the
// reporter: instrumentation.ts registers Sentry when SENTRY_DSN is set. Without one, reporting is a no-op and lib
// code never loads an error-tracking SDK.
export type ErrorReporter = (error: unknown, tags: Record<string, string>) => void;

const holder = globalThis as typeof globalThis & { __reflexErrorReporter?: ErrorReporter };

export function registerErrorReporter(reporter: ErrorReporter | undefined): void {
  holder.__reflexErrorReporter = reporter;
}

export function reportError(error: unknown, tags: Record<string, string> = {}): void {
  try {
    holder.__reflexErrorReporter?.(error, tags);
  } catch {
    // Reporting must never turn one failure into two.
  }
}
