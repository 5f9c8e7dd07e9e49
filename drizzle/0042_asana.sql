CREATE TABLE "asana_connections" (
	"tenant_id" uuid NOT NULL,
	"connection_id" uuid PRIMARY KEY NOT NULL,
	"workspace_gid" text,
	"workspace_name" text,
	"project_gid" text,
	"project_name" text,
	"section_map" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"done_column_id" uuid,
	"webhook_gid" text,
	"webhook_pending_since" timestamp with time zone,
	"hook_secret" text,
	"last_event_at" timestamp with time zone,
	"modified_since" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "asana_connections" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "asana_task_links" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"asana_gid" text NOT NULL,
	"origin" text DEFAULT 'reflex' NOT NULL,
	"asana_modified_at" timestamp with time zone,
	"synced" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reflex_changed_at" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "asana_task_links" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "asana_webhook_deliveries" (
	"tenant_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"body_hash" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "asana_webhook_deliveries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "integration_outbox" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"task_id" uuid NOT NULL,
	"op" text NOT NULL,
	"external_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"processed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "integration_outbox" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "task_field_changes" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"field" text NOT NULL,
	"source" text NOT NULL,
	"value" jsonb,
	"losing_source" text NOT NULL,
	"losing_value" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "task_field_changes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "asana_connections" ADD CONSTRAINT "asana_connections_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asana_connections" ADD CONSTRAINT "asana_connections_connection_id_integration_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."integration_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asana_task_links" ADD CONSTRAINT "asana_task_links_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asana_task_links" ADD CONSTRAINT "asana_task_links_connection_id_asana_connections_connection_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."asana_connections"("connection_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asana_task_links" ADD CONSTRAINT "asana_task_links_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asana_webhook_deliveries" ADD CONSTRAINT "asana_webhook_deliveries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asana_webhook_deliveries" ADD CONSTRAINT "asana_webhook_deliveries_connection_id_asana_connections_connection_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."asana_connections"("connection_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_outbox" ADD CONSTRAINT "integration_outbox_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_field_changes" ADD CONSTRAINT "task_field_changes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_field_changes" ADD CONSTRAINT "task_field_changes_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "asana_connections_tenant_idx" ON "asana_connections" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "asana_task_links_task_uq" ON "asana_task_links" USING btree ("tenant_id","connection_id","task_id");--> statement-breakpoint
CREATE UNIQUE INDEX "asana_task_links_gid_uq" ON "asana_task_links" USING btree ("tenant_id","connection_id","asana_gid");--> statement-breakpoint
CREATE UNIQUE INDEX "asana_webhook_deliveries_uq" ON "asana_webhook_deliveries" USING btree ("tenant_id","connection_id","body_hash");--> statement-breakpoint
CREATE INDEX "integration_outbox_tenant_pending_idx" ON "integration_outbox" USING btree ("tenant_id","connection_id","created_at") WHERE processed_at is null;--> statement-breakpoint
CREATE INDEX "task_field_changes_tenant_task_idx" ON "task_field_changes" USING btree ("tenant_id","task_id","created_at");--> statement-breakpoint
CREATE POLICY "asana_connections_tenant_isolation" ON "asana_connections" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid) WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid);--> statement-breakpoint
CREATE POLICY "asana_task_links_tenant_isolation" ON "asana_task_links" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid) WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid);--> statement-breakpoint
CREATE POLICY "asana_webhook_deliveries_tenant_isolation" ON "asana_webhook_deliveries" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid) WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid);--> statement-breakpoint
CREATE POLICY "integration_outbox_tenant_isolation" ON "integration_outbox" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid) WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid);--> statement-breakpoint
CREATE POLICY "task_field_changes_tenant_isolation" ON "task_field_changes" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid) WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid);