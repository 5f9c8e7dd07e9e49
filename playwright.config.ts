import { defineConfig, devices } from '@playwright/test';
import { E2E_ASANA, E2E_STRIPE } from './e2e/fakes-e2e';

// E2E_PORT lets several checkouts on one machine run their suites side by side.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const BASE_URL = `http://localhost:${PORT}`;

// One fresh embedded database per run, outside the repo's .data/. Set once in the runner process; workers
// inherit it through the environment.
process.env.REFLEX_E2E_PGLITE_DIR ??= `/tmp/reflex-e2e-${process.pid}`;
// No SMTP server: emails go to the dev outbox, which the specs read at /dev/mail like a developer would.
process.env.REFLEX_E2E_OUTBOX_DIR ??= `${process.env.REFLEX_E2E_PGLITE_DIR}-outbox`;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/artifacts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // A hang guard, not a speed check: journeys of a dozen pages take over a minute on a busy 2-core machine.
  timeout: 180_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]] : [['list']],
  globalTeardown: './e2e/global-teardown.ts',
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: '/usr/lib/chromium/chromium' },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 } } }],
  webServer: {
    // `.ci/run` builds before `npm run test:e2e`; locally run `npm run build` first.
    command: `npx next start -p ${PORT}`,
    url: `${BASE_URL}/api/health`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PGLITE_DIR: process.env.REFLEX_E2E_PGLITE_DIR,
      EMAIL_OUTBOX_DIR: process.env.REFLEX_E2E_OUTBOX_DIR,
      SMTP_URL: '',
      DEV_MAIL: '1',
      DATABASE_URL: '',
      KV_REST_API_URL: '',
      UPSTASH_REDIS_REST_URL: '',
      RATE_LIMIT_IP_PER_MINUTE: '100000',
      RATE_LIMIT_AUTH_PER_MINUTE: '1000',
      RATE_LIMIT_API_KEY_PER_MINUTE: '100000',
      BETTER_AUTH_SECRET: 'e2e-only-secret-0123456789-abcdefghijklmnop',
      APP_URL: BASE_URL,
      PLATFORM_ADMIN_TOKEN: 'e2e-platform-admin-token-0123456789',
      // Card billing against the Stripe fake that e2e/billing.spec.ts runs; the grace period is walked with a
      // simulated billing clock.
      STRIPE_SECRET_KEY: E2E_STRIPE.secretKey,
      STRIPE_WEBHOOK_SECRET: E2E_STRIPE.webhookSecret,
      STRIPE_API_BASE: `http://127.0.0.1:${E2E_STRIPE.port}`,
      STRIPE_PRICE_STANDARD: 'price_e2e_standard',
      STRIPE_PRICE_PROFESSIONAL: 'price_e2e_professional',
      STRIPE_PRICE_ENTERPRISE: 'price_e2e_enterprise',
      BILLING_CLOCK_SIMULATION: '1',
      // Integrations: Asana's OAuth pages and API are the fake e2e/integrations.spec.ts runs.
      ASANA_CLIENT_ID: E2E_ASANA.clientId,
      ASANA_CLIENT_SECRET: E2E_ASANA.clientSecret,
      ASANA_API_BASE: `http://127.0.0.1:${E2E_ASANA.port}`,
      LOG_LEVEL: 'warn',
      // e2e/sso.spec.ts: its OpenID Provider runs on 127.0.0.1 over http, and its DNS server answers the
      // domain-verification lookup (e2e/dns-server.ts).
      SSO_ALLOW_INSECURE_URLS: '1',
      SSO_DNS_SERVERS: '127.0.0.1:15353',
    },
  },
});
