-- The runner's cron watermarks are platform data like the other runner tables: app_auth only.
GRANT SELECT, INSERT, UPDATE, DELETE ON runner_cron TO app_auth;
