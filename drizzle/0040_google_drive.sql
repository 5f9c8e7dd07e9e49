CREATE TABLE "google_drive_files" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"file_id" text NOT NULL,
	"document_id" uuid,
	"name" text NOT NULL,
	"mime_type" text NOT NULL,
	"version" text,
	"md5_checksum" text,
	"modified_time" text,
	"skipped_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "google_drive_files_file_uq" UNIQUE("tenant_id","connection_id","file_id")
);
--> statement-breakpoint
ALTER TABLE "google_drive_files" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "google_drive_states" (
	"tenant_id" uuid NOT NULL,
	"connection_id" uuid PRIMARY KEY NOT NULL,
	"folders" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"known_folder_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"phase" text DEFAULT 'idle' NOT NULL,
	"initial_cursor" jsonb,
	"changes_page_token" text,
	"items_done" integer DEFAULT 0 NOT NULL,
	"items_total" integer DEFAULT 0 NOT NULL,
	"items_skipped" integer DEFAULT 0 NOT NULL,
	"sync_started_at" timestamp with time zone,
	"last_sync_at" timestamp with time zone,
	"last_error" text,
	"channel_id" text,
	"channel_token_hash" text,
	"channel_resource_id" text,
	"channel_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "google_drive_states_channel_uq" UNIQUE("channel_id"),
	CONSTRAINT "google_drive_states_phase_check" CHECK (phase in ('idle', 'initial', 'changes'))
);
--> statement-breakpoint
ALTER TABLE "google_drive_states" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "google_drive_files" ADD CONSTRAINT "google_drive_files_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "google_drive_files" ADD CONSTRAINT "google_drive_files_connection_id_integration_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."integration_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "google_drive_states" ADD CONSTRAINT "google_drive_states_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "google_drive_states" ADD CONSTRAINT "google_drive_states_connection_id_integration_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."integration_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "google_drive_files_tenant_document_idx" ON "google_drive_files" USING btree ("tenant_id","document_id");--> statement-breakpoint
CREATE INDEX "google_drive_states_tenant_idx" ON "google_drive_states" USING btree ("tenant_id","connection_id");--> statement-breakpoint
CREATE POLICY "google_drive_files_tenant_isolation" ON "google_drive_files" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid) WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid);--> statement-breakpoint
CREATE POLICY "google_drive_states_tenant_isolation" ON "google_drive_states" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid) WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid);