// Browser error tracking: only when the build had SENTRY_DSN (next.config.ts passes it on as
// NEXT_PUBLIC_SENTRY_DSN); otherwise nothing loads and nothing is sent. Same scrubber as the server.
const dsn = process.env.NEXT_PUBLIC_SENTRY_DSN;

if (dsn) {
  void Promise.all([import('@sentry/nextjs'), import('./lib/observability/scrub')]).then(([Sentry, { SENTRY_DATA_COLLECTION, scrubBreadcrumb, scrubEvent }]) => {
    Sentry.init({
      dsn,
      release: process.env.NEXT_PUBLIC_SENTRY_RELEASE || undefined,
      dataCollection: SENTRY_DATA_COLLECTION,
      beforeSend: (event) => scrubEvent(event),
      beforeBreadcrumb: (crumb) => scrubBreadcrumb(crumb),
    });
  });
}
