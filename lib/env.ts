import { z } from 'zod';

const optionalUrl = z.url().optional();
const optionalSecret = z.string().min(1).optional();
const bool = z
  .enum(['0', '1', 'true', 'false'])
  .optional()
  .transform((v) => v === '1' || v === 'true');

// Empty strings in .env files mean "unset", not "set to nothing".
function blankToUndefined(source: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  VERCEL: bool,
  APP_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_OWNER_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_OWNER_URL must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_DRIVER: z.enum(['auto', 'pglite', 'neon', 'pg']).default('auto'),
  PGLITE_DIR: z.string().default('.data/pglite'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  // How long a read may reuse an allowed access decision (lib/tenancy/access-cache.ts); 0 turns the cache off. At
  // most 1 s: revocation must reach every instance within a second.
  ACCESS_CACHE_TTL_MS: z.coerce.number().int().min(0).max(1000).default(1000),
  BETTER_AUTH_SECRET: z.string().min(32, 'BETTER_AUTH_SECRET must be at least 32 characters').optional(),
  // How many reverse proxies in front of the app append to X-Forwarded-For. 0: none, so the client is the socket's
  // peer and every forwarded header is the client's own claim (lib/http/request-meta.ts).
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  // A request body that sends nothing for this long is answered 408 (lib/http/body-stream.ts).
  BODY_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(1).default(100),
  RATE_LIMIT_API_KEY_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  RATE_LIMIT_AUTH_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  // Password-reset and verification emails an anonymous caller may ask for, per recipient address per hour.
  RATE_LIMIT_EMAIL_PER_HOUR: z.coerce.number().int().min(1).default(5),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60),
  // Organizations one account may belong to through self-service (creating, accepting invitations).
  MAX_ORGANIZATIONS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(10),
  PLATFORM_ADMIN_TOKEN: z.string().min(24, 'PLATFORM_ADMIN_TOKEN must be at least 24 characters').optional(),
  KV_REST_API_URL: optionalUrl,
  KV_REST_API_TOKEN: optionalSecret,
  UPSTASH_REDIS_REST_URL: optionalUrl,
  UPSTASH_REDIS_REST_TOKEN: optionalSecret,
  INNGEST_EVENT_KEY: optionalSecret,
  INNGEST_SIGNING_KEY: optionalSecret,
  INNGEST_BASE_URL: optionalUrl,
  INNGEST_DEV: optionalSecret,
  OPENAI_API_KEY: optionalSecret,
  OPENAI_BASE_URL: optionalUrl,
  ASSEMBLYAI_API_KEY: optionalSecret,
  ASSEMBLYAI_BASE_URL: optionalUrl,
  SELF_HOSTED_AI_URL: optionalUrl,
  SELF_HOSTED_AI_KEY: optionalSecret,
  SELF_HOSTED_AI_MODEL: optionalSecret,
  SELF_HOSTED_AI_EMBED_MODEL: optionalSecret,
  SELF_HOSTED_AI_EMBED_URL: optionalUrl,
  SELF_HOSTED_AI_TRANSCRIBE_MODEL: optionalSecret,
  SELF_HOSTED_AI_TRANSCRIBE_URL: optionalUrl,
  OPENAI_CHAT_MODEL: optionalSecret,
  OPENAI_EMBED_MODEL: optionalSecret,
  OPENAI_TRANSCRIBE_MODEL: optionalSecret,
  // Google Drive connector (OAuth client of a Google Cloud project). The two bases are for tests (a wire-format fake).
  GOOGLE_CLIENT_ID: optionalSecret,
  GOOGLE_CLIENT_SECRET: optionalSecret,
  GOOGLE_API_BASE: optionalUrl,
  GOOGLE_OAUTH_BASE: optionalUrl,
  BLOB_READ_WRITE_TOKEN: optionalSecret,
  BLOB_DIR: z.string().default('.data/blobs'),
  // Outgoing email (lib/email): any SMTP provider, e.g. smtp://user:pass@smtp.postmarkapp.com:587 (smtps:// for
  // implicit TLS). Unset: emails go to the dev outbox (EMAIL_OUTBOX_DIR, read at /dev/mail).
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/\s]+/, 'SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465')
    .optional(),
  // The sender, e.g. "Acme <no-reply@acme.com>"; its display name also brands account emails.
  EMAIL_FROM: z.string().min(3).max(320).optional(),
  EMAIL_OUTBOX_DIR: z.string().default('.data/outbox'),
  // /dev/mail is there in development and test, and in production only with DEV_MAIL=1.
  DEV_MAIL: bool,
  // SSO (lib/sso): let the server fetch identity-provider URLs over plain http and on private or loopback addresses.
  // For tests and a local IdP only; ignored on Vercel (lib/sso/fetch-metadata.ts explains the guard it lifts).
  SSO_ALLOW_INSECURE_URLS: bool,
  // DNS servers for domain verification, e.g. "127.0.0.1:5353,1.1.1.1" (default: the system's resolvers).
  SSO_DNS_SERVERS: z
    .string()
    .regex(/^[^,\s]+(,[^,\s]+)*$/, 'SSO_DNS_SERVERS must be a comma-separated list of host[:port]')
    .optional(),
  METRICS_TOKEN: optionalSecret,
  ALERT_SLACK_WEBHOOK_URL: optionalUrl,
  // A second operator channel for every platform alert: a POST in the PagerDuty Events API v2 shape
  // (https://events.pagerduty.com/v2/enqueue, or any receiver of that JSON). The routing key goes into the body.
  ALERT_WEBHOOK_URL: optionalUrl,
  // Stripe billing (lib/billing/stripe.ts): without STRIPE_SECRET_KEY, billing is manual (operators record payments).
  // One recurring per-seat monthly price per plan, created in the Stripe dashboard.
  STRIPE_SECRET_KEY: optionalSecret,
  STRIPE_WEBHOOK_SECRET: optionalSecret,
  STRIPE_PRICE_STANDARD: optionalSecret,
  STRIPE_PRICE_PROFESSIONAL: optionalSecret,
  STRIPE_PRICE_ENTERPRISE: optionalSecret,
  // Tests and local development only: Stripe's API at another address (a wire-format fake), e.g. http://127.0.0.1:12111.
  STRIPE_API_BASE: optionalUrl,
  // Slack connector (lib/integrations/slack): the app's OAuth client and the secret Slack signs requests with.
  SLACK_CLIENT_ID: optionalSecret,
  SLACK_CLIENT_SECRET: optionalSecret,
  SLACK_SIGNING_SECRET: optionalSecret,
  // Tests only: Slack's Web API at another address (a wire-format fake), e.g. http://127.0.0.1:12112/api/.
  SLACK_API_BASE: optionalUrl,
  // Staging drills and end-to-end tests only: lets an operator run the billing clock as of a chosen time
  // (POST /api/platform/billing/run with "at"), to walk the grace period without waiting seven days.
  BILLING_CLOCK_SIMULATION: bool,
  // Asana connector (lib/integrations/asana): an OAuth app from https://app.asana.com/0/my-apps. Without both, the
  // Asana card names them on the Integrations settings page.
  ASANA_CLIENT_ID: optionalSecret,
  ASANA_CLIENT_SECRET: optionalSecret,
  // Tests and local development only: Asana's REST API and OAuth at another address (a wire-format fake).
  ASANA_API_BASE: optionalUrl,
  ALERT_WEBHOOK_ROUTING_KEY: optionalSecret,
  // Service-level objectives, evaluated every 5 minutes over the requests and runs since the previous evaluation
  // (lib/slo). A window with fewer than SLO_MIN_REQUESTS requests (SLO_MIN_PIPELINE_RUNS runs) is not judged.
  SLO_ERROR_RATE_PERCENT: z.coerce.number().min(0).max(100).default(5),
  SLO_P95_LATENCY_MS: z.coerce.number().int().min(1).default(2_000),
  // Per route group (the first path segment after /api/ or /api/v1/), e.g. "search=3000,assistant=15000".
  SLO_P95_LATENCY_MS_BY_GROUP: z
    .string()
    .regex(/^\s*[a-z0-9-]+\s*=\s*\d+\s*(,\s*[a-z0-9-]+\s*=\s*\d+\s*)*$/, 'SLO_P95_LATENCY_MS_BY_GROUP must look like "search=3000,assistant=15000"')
    .optional(),
  SLO_MIN_REQUESTS: z.coerce.number().int().min(1).default(20),
  SLO_PIPELINE_FAILURE_PERCENT: z.coerce.number().min(0).max(100).default(10),
  SLO_MIN_PIPELINE_RUNS: z.coerce.number().int().min(1).default(5),
  // Oldest pipeline run waiting to start (local runner).
  SLO_QUEUE_AGE_SECONDS: z.coerce.number().int().min(1).default(600),
  // A breach still going on is announced again this often.
  SLO_REALERT_MINUTES: z.coerce.number().int().min(1).default(60),
  // Capacity limits: an alert at CAPACITY_ALERT_PERCENT of each.
  CAPACITY_ALERT_PERCENT: z.coerce.number().min(1).max(100).default(70),
  CAPACITY_DATABASE_MB: z.coerce.number().int().min(1).default(10_240),
  CAPACITY_BLOB_MB: z.coerce.number().int().min(1).default(102_400),
  CAPACITY_RUNNER_BACKLOG: z.coerce.number().int().min(1).default(5_000),
  MAINTENANCE_MODE: bool,
  // Unit economics (lib/economics): operators hear when the month's overall gross margin, or a large organization's,
  // falls under this fraction. "Large": among the MARGIN_ALERT_TOP_ORGS highest revenues, or at least
  // MARGIN_ALERT_LARGE_REVENUE_CENTS of revenue in the month.
  MARGIN_ALERT_THRESHOLD: z.coerce.number().min(0).max(1).default(0.6),
  MARGIN_ALERT_TOP_ORGS: z.coerce.number().int().min(0).max(1_000).default(5),
  MARGIN_ALERT_LARGE_REVENUE_CENTS: z.coerce.number().int().min(0).default(100_000),
  // How often each instance flushes its in-process request counters (lib/economics/request-counter.ts).
  REQUEST_COUNT_FLUSH_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  // Keeps the local runner from firing cron triggers on the real clock (the test setup sets it: a readiness tick
  // in the middle of a test would act on that test's data). A runner given its own clock still fires them.
  LOCAL_RUNNER_CRONS_OFF: bool,
  // Tracing (OpenTelemetry through @vercel/otel, instrumentation.ts): spans are exported over OTLP/HTTP (protobuf)
  // to this endpoint (its /v1/traces). Unset: no tracing is set up and nothing is exported.
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  // "key=value,key2=value2", e.g. an API key header of the tracing backend.
  OTEL_EXPORTER_OTLP_HEADERS: optionalSecret,
  OTEL_SERVICE_NAME: z.string().min(1).max(100).default('reflex'),
  // Error tracking (Sentry, server and browser) when set; nothing is initialised or sent otherwise. With
  // SENTRY_AUTH_TOKEN (and SENTRY_ORG, SENTRY_PROJECT) the build uploads source maps. Releases are tagged with
  // VERCEL_GIT_COMMIT_SHA, or the checkout's git HEAD.
  SENTRY_DSN: optionalUrl,
  SENTRY_AUTH_TOKEN: optionalSecret,
  SENTRY_ORG: optionalSecret,
  SENTRY_PROJECT: optionalSecret,
  SENTRY_ENVIRONMENT: optionalSecret,
  VERCEL_GIT_COMMIT_SHA: optionalSecret,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // CPU-bound pipeline work runs in worker threads (lib/workers); unset picks one fewer than the cores, 1 to 4.
  PIPELINE_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  PIPELINE_WORKER_MEMORY_MB: z.coerce.number().int().min(64).max(16_384).default(512),
  PIPELINE_WORKER_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3_600).default(120),
  // A pipeline worker idle this long is ended (its heap returned to the system) and restarted on demand; 0 keeps it.
  PIPELINE_WORKER_IDLE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(30),
  // Backups (lib/backup): a base64 key of 32 random bytes (`openssl rand -base64 32`). Required in production; in
  // development a key file is generated once under .data/ (BACKUP_KEY_FILE) with a warning.
  BACKUP_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'BACKUP_ENCRYPTION_KEY must be 32 random bytes, base64 (openssl rand -base64 32)')
    .optional(),
  BACKUP_KEY_FILE: z.string().default('.data/backup.key'),
  // Where archives go when BLOB_READ_WRITE_TOKEN is unset (with it: Vercel Blob under backups/).
  BACKUP_DIR: z.string().default('.data/backups'),
  BACKUP_SCHEDULE: z.string().min(9).max(100).default('TZ=UTC 15 2 * * *'),
  BACKUP_KEEP_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
  // A drill finding the newest backup older than this raises an operator alert (the daily schedule plus slack).
  BACKUP_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(26),
  // With both set, the restore drill restores into a throwaway Neon branch (created and deleted through the Neon API)
  // instead of CREATE DATABASE. NEON_BRANCH_ID: the branch to fork (default: the project's default branch).
  NEON_API_KEY: optionalSecret,
  NEON_PROJECT_ID: z.string().regex(/^[a-z0-9-]{1,64}$/, 'NEON_PROJECT_ID looks like "young-river-123456"').optional(),
  NEON_BRANCH_ID: z.string().regex(/^br-[a-z0-9-]{1,64}$/, 'NEON_BRANCH_ID looks like "br-wispy-meadow-123456"').optional(),
  NEON_API_URL: z.url().default('https://console.neon.tech/api/v2'),
  // Integrations (lib/integrations): OAuth tokens are sealed with AES-256-GCM under this key (32 random bytes, base64:
  // `openssl rand -base64 32`). To rotate: move the old value to INTEGRATIONS_ENCRYPTION_KEY_PREVIOUS, set a new one;
  // the re-encryption job rewrites old ciphertexts. Unset: a key derived from the auth secret (a startup warning in
  // production says so).
  INTEGRATIONS_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'INTEGRATIONS_ENCRYPTION_KEY must be 32 random bytes, base64 (openssl rand -base64 32)')
    .optional(),
  INTEGRATIONS_ENCRYPTION_KEY_PREVIOUS: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'INTEGRATIONS_ENCRYPTION_KEY_PREVIOUS must be 32 random bytes, base64')
    .optional(),
  PIPELINE_WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  // Documents processed at the same time across all tenants (each tenant is also held to its plan's limit).
  PIPELINE_GLOBAL_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(16),
});

export type Env = z.infer<typeof envSchema>;

// Cross-field rules: what a single field's schema cannot say.
function crossFieldIssues(env: Env): string[] {
  const issues: string[] = [];
  if (env.SMTP_URL && !env.EMAIL_FROM) issues.push('  EMAIL_FROM: required when SMTP_URL is set (e.g. "Acme <no-reply@acme.com>")');
  return issues;
}

export class EnvError extends Error {}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = envSchema.safeParse(blankToUndefined(source));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  const cross = crossFieldIssues(result.data);
  if (cross.length) throw new EnvError(`Invalid environment configuration:\n${cross.join('\n')}`);
  return result.data;
}

let cached: Env | undefined;

// Read lazily so that tests and scripts can set process.env before first use.
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export function resetEnvForTests(): void {
  cached = undefined;
}
