-- Asana webhook deliveries name a connection in their URL and nothing else: the tenant is found through this named
-- lookup (like reflex_resolve_api_key), and everything after happens inside that tenant's transaction.
CREATE OR REPLACE FUNCTION reflex_asana_connection_tenant(p_connection_id uuid)
RETURNS TABLE (tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT c.tenant_id FROM asana_connections c WHERE c.connection_id = p_connection_id
$$;
--> statement-breakpoint
-- The cron backstop (inngest/functions/integrations/sync-asana-projects.ts): connections with a chosen project, and
-- those with outbox rows still to push. Ids only; each is then worked on in its own tenant transaction.
CREATE OR REPLACE FUNCTION reflex_asana_sync_targets()
RETURNS TABLE (tenant_id uuid, connection_id uuid, pending_outbox boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT c.tenant_id, c.connection_id,
         EXISTS (SELECT 1 FROM integration_outbox o WHERE o.connection_id = c.connection_id AND o.processed_at IS NULL)
  FROM asana_connections c JOIN integration_connections ic ON ic.id = c.connection_id
  WHERE c.project_gid IS NOT NULL AND ic.status IN ('active', 'error')
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_asana_connection_tenant(uuid), reflex_asana_sync_targets() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_asana_connection_tenant(uuid), reflex_asana_sync_targets() TO app_auth, app_user;
