-- Provider webhooks name an account (a Slack team, an Asana webhook's workspace, a Drive channel's account) before
-- any tenant is known: this named lookup finds the connection and its tenant, like reflex_resolve_scim_token, and all
-- further work happens inside that tenant's transaction. A disconnected connection resolves to nothing.
CREATE OR REPLACE FUNCTION reflex_find_integration_connection(p_provider text, p_external_account_id text)
RETURNS TABLE (connection_id uuid, tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT c.id, c.tenant_id FROM integration_connections c
  WHERE c.provider = p_provider AND c.external_account_id = p_external_account_id AND c.status <> 'disconnected'
  ORDER BY c.updated_at DESC
  LIMIT 1
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_find_integration_connection(text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_find_integration_connection(text, text) TO app_auth, app_user;
--> statement-breakpoint
-- The key-rotation job (inngest/functions/integrations/reencrypt-tokens.ts) asks which organizations still hold tokens
-- sealed by a key other than the current one; it then re-encrypts inside each tenant's own transaction. Ids only.
CREATE OR REPLACE FUNCTION reflex_integration_tenants_with_stale_key(p_current_key_id text)
RETURNS TABLE (tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT c.tenant_id FROM integration_connections c
  WHERE c.token_key_id IS NOT NULL AND c.token_key_id <> p_current_key_id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_integration_tenants_with_stale_key(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_integration_tenants_with_stale_key(text) TO app_auth, app_user;
