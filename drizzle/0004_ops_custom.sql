-- Platform tables (lib/db/schema/ops.ts) are reached through the platform path: the login role's default role
-- app_auth. Tenant code (app_user) gets nothing. No DELETE: incidents are history, settings are overwritten.
GRANT SELECT, INSERT, UPDATE ON platform_incidents, platform_settings TO app_auth;
--> statement-breakpoint
COMMENT ON TABLE platform_incidents IS 'Platform data, public on /status: never put tenant names or ids here.';
