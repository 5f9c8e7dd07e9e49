-- SCIM requests carry a bearer token and nothing else: the tenant is found by the token's hash through this named
-- lookup (like reflex_resolve_api_key), and all further work happens inside that tenant's transaction. A revoked
-- token resolves to nothing.
CREATE OR REPLACE FUNCTION reflex_resolve_scim_token(p_token_hash text)
RETURNS TABLE (token_id uuid, tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT t.id, t.tenant_id FROM scim_tokens t WHERE t.token_hash = p_token_hash AND t.revoked_at IS NULL
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_resolve_scim_token(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_resolve_scim_token(text) TO app_auth, app_user;
