-- The local pipeline runner's tables (lib/db/schema/runner.ts) are platform tables reached through the platform
-- path: the login role's default role app_auth. Tenant code (app_user) gets nothing.
GRANT SELECT, INSERT, UPDATE, DELETE ON runner_events, runner_runs, runner_steps TO app_auth;
--> statement-breakpoint
COMMENT ON TABLE runner_runs IS 'Platform data: embedded pipeline runner state; the tenant is owner_tenant, checked by callers.';
