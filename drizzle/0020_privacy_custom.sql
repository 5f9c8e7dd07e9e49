-- The hourly export purge (lib/privacy/export-purge.ts) must find the tenants that still hold an expired export
-- archive, across tenants, without a role that bypasses RLS: a named SECURITY DEFINER lookup returning only tenant
-- ids. The deletions then happen in each tenant's own transaction.
CREATE OR REPLACE FUNCTION reflex_expired_export_tenants(p_now timestamptz)
RETURNS TABLE (tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT e.tenant_id FROM privacy_exports e
  WHERE e.expires_at <= p_now AND e.blob_key IS NOT NULL ORDER BY e.tenant_id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_expired_export_tenants(timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_expired_export_tenants(timestamptz) TO app_auth, app_user;
--> statement-breakpoint
-- Only exports whose archive is still stored (live ones and those awaiting the purge), so it stays small while the
-- table keeps every export ever made; the hourly lookup reads it instead of the whole table.
CREATE INDEX IF NOT EXISTS privacy_exports_stored_expiry_idx ON privacy_exports (expires_at) WHERE blob_key IS NOT NULL;
