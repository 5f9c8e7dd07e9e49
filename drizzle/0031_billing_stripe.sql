CREATE TABLE "billing_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"tenant_ref" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"outcome" text,
	"summary" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "billing_invoices" DROP CONSTRAINT "billing_invoices_tenant_period_uq";--> statement-breakpoint
ALTER TABLE "billing_accounts" DROP CONSTRAINT "billing_accounts_provider_check";--> statement-breakpoint
ALTER TABLE "billing_accounts" ADD COLUMN "stripe_customer_id" text;--> statement-breakpoint
ALTER TABLE "billing_accounts" ADD COLUMN "stripe_subscription_id" text;--> statement-breakpoint
ALTER TABLE "billing_accounts" ADD COLUMN "stripe_seats" integer;--> statement-breakpoint
ALTER TABLE "billing_invoices" ADD COLUMN "provider_invoice_id" text;--> statement-breakpoint
ALTER TABLE "billing_invoices" ADD COLUMN "provider_event_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "billing_events" ADD CONSTRAINT "billing_events_tenant_ref_tenants_id_fk" FOREIGN KEY ("tenant_ref") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_events_received_idx" ON "billing_events" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "billing_events_tenant_idx" ON "billing_events" USING btree ("tenant_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "billing_accounts_stripe_customer_uq" ON "billing_accounts" USING btree ("stripe_customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "billing_invoices_tenant_period_uq" ON "billing_invoices" USING btree ("tenant_id","period_start") WHERE provider_invoice_id is null;--> statement-breakpoint
CREATE UNIQUE INDEX "billing_invoices_provider_uq" ON "billing_invoices" USING btree ("tenant_id","provider_invoice_id");--> statement-breakpoint
ALTER TABLE "billing_accounts" ADD CONSTRAINT "billing_accounts_provider_check" CHECK (provider in ('manual', 'stripe'));