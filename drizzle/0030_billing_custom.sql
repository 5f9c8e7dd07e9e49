-- The hourly billing clock (lib/billing/clock.ts) must find the billed organizations across tenants without a role
-- that bypasses RLS: a named SECURITY DEFINER lookup returning ids only. Invoices, reminders and suspension then
-- happen in each tenant's own transaction.
CREATE OR REPLACE FUNCTION reflex_billing_tenants()
RETURNS TABLE (tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT b.tenant_id FROM billing_accounts b ORDER BY b.tenant_id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_billing_tenants() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_billing_tenants() TO app_auth, app_user;
