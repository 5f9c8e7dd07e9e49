-- Sign-in by email must find the organization that owns a verified domain before any tenant is known. A named
-- SECURITY DEFINER lookup returns only what opening that tenant's transaction needs: the tenant, the connection
-- to use (the domain's own, else the organization's oldest active one; null when none is active) and whether
-- password sign-in is refused for the domain. Unverified claims are never returned.
CREATE OR REPLACE FUNCTION reflex_sso_discover(p_domain text)
RETURNS TABLE (tenant_id uuid, connection_id uuid, protocol text, enforce_sso boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT d.tenant_id, c.id, c.protocol, d.enforce_sso
  FROM sso_domains d
  LEFT JOIN LATERAL (
    SELECT c.id, c.protocol FROM sso_connections c
    WHERE c.tenant_id = d.tenant_id AND c.status = 'active'
    ORDER BY (c.id = d.connection_id) DESC, c.created_at, c.id
    LIMIT 1
  ) c ON true
  WHERE d.domain = lower(p_domain) AND d.verified_at IS NOT NULL
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_sso_discover(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_sso_discover(text) TO app_auth, app_user;
