// The Stripe fake the end-to-end server talks to: a fixed port and test secrets, shared by playwright.config.ts
// (the server's environment) and e2e/billing.spec.ts (which runs the fake).
export const E2E_STRIPE = {
  port: Number(process.env.E2E_STRIPE_PORT ?? 3197),
  secretKey: 'sk_test_e2e_only_0123456789',
  webhookSecret: 'whsec_e2e_only_0123456789abcdef',
} as const;
