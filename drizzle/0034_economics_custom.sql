-- Unit economics and the operator console (lib/economics, lib/ops). Platform tables are reached as app_auth (the
-- login role's default role); tenant code (app_user) gets nothing on them.
GRANT SELECT, INSERT, UPDATE ON platform_infra_costs TO app_auth;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON platform_operators TO app_auth;
--> statement-breakpoint
-- The operator-action log is evidence: the app may add to it and read it, never change or remove an entry.
GRANT SELECT, INSERT ON platform_operator_actions TO app_auth;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON platform_operator_actions FROM app_auth, app_user;
--> statement-breakpoint
COMMENT ON TABLE platform_operator_actions IS 'reflex:append-only platform log of operator actions (incidents, maintenance, costs, grants)';
--> statement-breakpoint
-- One flush of the in-process request counters (lib/economics/request-counter.ts) spans many tenants: a named
-- SECURITY DEFINER upsert that adds each count to its (tenant, day) row. Counts of organizations deleted since
-- they were counted are dropped (the join), so a deletion never fails the batch. Duplicates within one batch are
-- summed first: ON CONFLICT cannot touch one row twice in a statement.
CREATE OR REPLACE FUNCTION reflex_add_request_counts(p_counts jsonb)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH input AS (
    SELECT (e->>'tenantId')::uuid AS tenant_id, (e->>'day')::date AS day, sum((e->>'requests')::bigint) AS requests
    FROM jsonb_array_elements(p_counts) e
    GROUP BY 1, 2
  ), written AS (
    INSERT INTO tenant_request_counts (tenant_id, day, requests)
    SELECT i.tenant_id, i.day, i.requests FROM input i JOIN tenants t ON t.id = i.tenant_id WHERE i.requests > 0
    ON CONFLICT (tenant_id, day) DO UPDATE SET requests = tenant_request_counts.requests + excluded.requests
    RETURNING 1
  )
  SELECT count(*)::integer FROM written
$$;
--> statement-breakpoint
-- The operator console lists every organization: ids and the few columns a list needs, nothing of their data.
CREATE OR REPLACE FUNCTION reflex_platform_tenants()
RETURNS TABLE (tenant_id uuid, name text, slug text, plan text, status text, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT t.id, t.name, t.slug, t.plan, t.status, t.created_at FROM tenants t ORDER BY t.name, t.id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_add_request_counts(jsonb), reflex_platform_tenants() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_add_request_counts(jsonb), reflex_platform_tenants() TO app_auth;
