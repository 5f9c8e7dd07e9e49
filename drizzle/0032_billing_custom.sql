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

--> statement-breakpoint
-- A Stripe webhook names a customer; which organization that is must be found before any tenant is known.
CREATE OR REPLACE FUNCTION reflex_billing_tenant_for_customer(customer text)
RETURNS TABLE (tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT b.tenant_id FROM billing_accounts b WHERE b.stripe_customer_id = customer
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_billing_tenant_for_customer(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_billing_tenant_for_customer(text) TO app_auth;
--> statement-breakpoint
-- Stripe deliveries are platform data: the webhook route stores and marks them as app_auth; tenants never see them.
GRANT SELECT, INSERT, UPDATE ON billing_events TO app_auth;
--> statement-breakpoint
COMMENT ON TABLE billing_events IS 'Platform data: Stripe webhook deliveries, stored once by event id (no personal data).';
