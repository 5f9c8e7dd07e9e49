CREATE TABLE "privacy_exports" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"scope" text NOT NULL,
	"requested_by" uuid NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"sections_done" integer DEFAULT 0 NOT NULL,
	"sections_total" integer NOT NULL,
	"item_count" integer DEFAULT 0 NOT NULL,
	"blob_key" text,
	"size_bytes" integer,
	"error" text,
	"completed_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "privacy_exports_scope_check" CHECK (scope in ('me', 'tenant')),
	CONSTRAINT "privacy_exports_status_check" CHECK (status in ('queued', 'building', 'ready', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "privacy_exports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "privacy_exports" ADD CONSTRAINT "privacy_exports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_exports" ADD CONSTRAINT "privacy_exports_requested_by_user_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "privacy_exports_tenant_created_idx" ON "privacy_exports" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "privacy_exports_requested_by_idx" ON "privacy_exports" USING btree ("requested_by");--> statement-breakpoint
CREATE POLICY "privacy_exports_tenant_isolation" ON "privacy_exports" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid) WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid);