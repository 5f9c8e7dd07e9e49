-- The daily retention job (lib/retention) must find the tenants that set settings.retentionDays, across tenants,
-- without a role that bypasses RLS: a named SECURITY DEFINER lookup returning only ids and the setting. The
-- deletions then happen in each tenant's own transaction.
CREATE OR REPLACE FUNCTION reflex_retention_tenants()
RETURNS TABLE (tenant_id uuid, retention_days integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT t.id, (t.settings->>'retentionDays')::integer FROM tenants t
  WHERE jsonb_typeof(t.settings->'retentionDays') = 'number'
    AND (t.settings->>'retentionDays') ~ '^[0-9]{1,6}$'
    AND (t.settings->>'retentionDays')::integer > 0
  ORDER BY t.id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_retention_tenants() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_retention_tenants() TO app_auth, app_user;
