-- What drizzle-kit does not emit: FORCE RLS, grants, and the named platform-level lookups.
--
-- reflex_secure_schema() is re-run by lib/db/migrate.ts after every migration, so a table added later is
-- secured without anyone remembering to: every table with a tenant_id column gets RLS enabled and forced and
-- DML for app_user. A table commented 'reflex:append-only' gets SELECT and INSERT only.
CREATE OR REPLACE FUNCTION reflex_secure_schema() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  t record;
BEGIN
  FOR t IN
    SELECT c.oid, c.relname, coalesce(obj_description(c.oid, 'pg_class'), '') AS note
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      AND (EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
           OR c.relname = 'tenants')
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.relname);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t.relname);
    IF t.note LIKE '%reflex:append-only%' THEN
      EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM app_user', t.relname);
      EXECUTE format('GRANT SELECT, INSERT ON %I TO app_user', t.relname);
    ELSE
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO app_user', t.relname);
    END IF;
  END LOOP;

  -- better-auth's tables are reached as app_auth; tenant code may only read users through the "user" policies.
  GRANT SELECT, INSERT, UPDATE, DELETE ON "user", "session", "account", "verification" TO app_auth;
  ALTER TABLE "user" FORCE ROW LEVEL SECURITY;
  GRANT SELECT ON "user" TO app_user;
END
$$;
--> statement-breakpoint
-- Platform-level lookups that must cross tenants before a tenant is known. SECURITY DEFINER runs them as the
-- migration owner (a superuser on PGlite and local Postgres, a BYPASSRLS role on Neon); each returns the
-- minimum needed to open the right tenant transaction.
CREATE OR REPLACE FUNCTION reflex_user_tenants(p_user_id uuid)
RETURNS TABLE (tenant_id uuid, slug text, name text, plan text, status text, role_key text, role_name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT t.id, t.slug, t.name, t.plan, t.status, r.key, r.name
  FROM memberships m
  JOIN tenants t ON t.id = m.tenant_id
  JOIN roles r ON r.id = m.role_id
  WHERE m.user_id = p_user_id
  ORDER BY t.name, t.id
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION reflex_resolve_api_key(p_key_hash text)
RETURNS TABLE (key_id uuid, tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT k.id, k.tenant_id FROM api_keys k WHERE k.key_hash = p_key_hash
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION reflex_resolve_invitation(p_token_hash text)
RETURNS TABLE (invitation_id uuid, tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT i.id, i.tenant_id FROM invitations i WHERE i.token_hash = p_token_hash
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION reflex_slug_taken(p_slug text)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM tenants WHERE slug = p_slug)
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_user_tenants(uuid), reflex_resolve_api_key(text), reflex_resolve_invitation(text),
  reflex_slug_taken(text), reflex_secure_schema() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_user_tenants(uuid), reflex_resolve_api_key(text), reflex_resolve_invitation(text),
  reflex_slug_taken(text) TO app_auth, app_user;
