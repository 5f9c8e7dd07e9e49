-- The audit log is append-only for the application: reflex_secure_schema() (drizzle/0002_secure_schema.sql)
-- reads this comment and grants app_user SELECT and INSERT only on it. Tampering by anyone with more rights
-- (the table owner) is not prevented but detected: every row is hash-chained per tenant (lib/audit/chain.ts).
COMMENT ON TABLE audit_log IS 'reflex:append-only: tamper-evident audit trail, hash-chained per tenant (lib/audit/chain.ts)';
--> statement-breakpoint
-- GDPR erasure of one actor's personal columns in the current tenant's log. Those columns are outside the
-- hashed payload (lib/audit/chain.ts), so the chain still verifies afterwards. It is the one way to change an
-- audit row, and it can only blank personal columns of the tenant chosen by withTenant.
CREATE OR REPLACE FUNCTION reflex_audit_pseudonymize(p_actor_id text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
  v_count integer;
BEGIN
  IF v_tenant IS NULL THEN
    RAISE EXCEPTION 'reflex_audit_pseudonymize: no tenant selected';
  END IF;
  UPDATE audit_log
     SET actor_id = NULL, actor_label = NULL, ip = NULL, user_agent = NULL, personal_salt = NULL, erased_at = now()
   WHERE tenant_id = v_tenant AND actor_id = p_actor_id AND erased_at IS NULL;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_audit_pseudonymize(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_audit_pseudonymize(text) TO app_user;
