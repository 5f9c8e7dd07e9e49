// Fakes of outside services the end-to-end server talks to: fixed ports and test secrets, shared by
// playwright.config.ts (the server's environment) and the specs that run them.

// The Stripe fake e2e/billing.spec.ts runs.
export const E2E_STRIPE = {
  port: Number(process.env.E2E_STRIPE_PORT ?? 3197),
  secretKey: 'sk_test_e2e_only_0123456789',
  webhookSecret: 'whsec_e2e_only_0123456789abcdef',
} as const;

// The Asana fake e2e/integrations.spec.ts runs: connecting an integration goes through its OAuth pages.
export const E2E_ASANA = {
  port: Number(process.env.E2E_ASANA_PORT ?? 3196),
  clientId: 'asana-client-id',
  clientSecret: 'asana-client-secret',
} as const;
