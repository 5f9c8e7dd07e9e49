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
--> statement-breakpoint
-- The organizations a person can work in: reflex_user_tenants without the memberships SCIM deactivated (the
-- organization switcher and the default organization of a new session). reflex_user_tenants itself still lists
-- them, for the checks that must count every membership (erasure, the organization limit, MFA resets).
CREATE OR REPLACE FUNCTION reflex_user_active_tenants(p_user_id uuid)
RETURNS TABLE (tenant_id uuid, slug text, name text, plan text, status text, role_key text, role_name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT t.id, t.slug, t.name, t.plan, t.status, r.key, r.name
  FROM memberships m
  JOIN tenants t ON t.id = m.tenant_id
  JOIN roles r ON r.id = m.role_id
  WHERE m.user_id = p_user_id AND m.deactivated_at IS NULL
  ORDER BY t.name, t.id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_user_active_tenants(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_user_active_tenants(uuid) TO app_auth, app_user;
