CREATE TABLE "document_chunks" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"ord" integer NOT NULL,
	"text" text NOT NULL,
	"char_start" integer NOT NULL,
	"char_end" integer NOT NULL,
	"embedding" vector(384),
	"embedding_model" text,
	"tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', "text")) STORED,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "document_chunks_tenant_doc_ord_uq" UNIQUE("tenant_id","document_id","ord")
);
--> statement-breakpoint
ALTER TABLE "document_chunks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "document_steps" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"step" text NOT NULL,
	"status" text NOT NULL,
	"provider" text,
	"model" text,
	"latency_ms" integer,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "document_steps_tenant_doc_step_uq" UNIQUE("tenant_id","document_id","step"),
	CONSTRAINT "document_steps_step_check" CHECK (step in ('extract', 'chunk', 'embed', 'classify', 'verify', 'summarize')),
	CONSTRAINT "document_steps_status_check" CHECK (status in ('running', 'done', 'failed', 'needs_provider'))
);
--> statement-breakpoint
ALTER TABLE "document_steps" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "documents" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"kind" text NOT NULL,
	"mime" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"checksum" text NOT NULL,
	"filename" text,
	"blob_key" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"current_step" text,
	"error" text,
	"generation" integer DEFAULT 1 NOT NULL,
	"run_id" text,
	"text" text,
	"summary" text,
	"category" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"verification" jsonb,
	"action_items" jsonb,
	"created_by" uuid,
	"processed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "documents_tenant_checksum_uq" UNIQUE("tenant_id","checksum"),
	CONSTRAINT "documents_tenant_id_uq" UNIQUE("tenant_id","id"),
	CONSTRAINT "documents_kind_check" CHECK (kind in ('text', 'markdown', 'pdf', 'audio')),
	CONSTRAINT "documents_status_check" CHECK (status in ('queued', 'processing', 'processed', 'failed', 'needs_transcription_provider', 'cancelled'))
);
--> statement-breakpoint
ALTER TABLE "documents" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ai_usage" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid,
	"operation" text NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"audio_seconds" double precision DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"latency_ms" integer DEFAULT 0 NOT NULL,
	"escalated" boolean DEFAULT false NOT NULL,
	"outcome" text NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ai_usage_outcome_check" CHECK (outcome in ('ok', 'error', 'low_confidence', 'timeout'))
);
--> statement-breakpoint
ALTER TABLE "ai_usage" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "document_chunks" ADD CONSTRAINT "document_chunks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_chunks" ADD CONSTRAINT "document_chunks_document_fk" FOREIGN KEY ("tenant_id","document_id") REFERENCES "public"."documents"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_steps" ADD CONSTRAINT "document_steps_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_steps" ADD CONSTRAINT "document_steps_document_fk" FOREIGN KEY ("tenant_id","document_id") REFERENCES "public"."documents"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_usage" ADD CONSTRAINT "ai_usage_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_usage" ADD CONSTRAINT "ai_usage_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "documents_tenant_created_idx" ON "documents" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "documents_tenant_status_idx" ON "documents" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "ai_usage_tenant_created_idx" ON "ai_usage" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "ai_usage_document_idx" ON "ai_usage" USING btree ("document_id");--> statement-breakpoint
CREATE POLICY "document_chunks_tenant_isolation" ON "document_chunks" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select current_setting('app.tenant_id', true))::uuid) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true))::uuid);--> statement-breakpoint
CREATE POLICY "document_steps_tenant_isolation" ON "document_steps" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select current_setting('app.tenant_id', true))::uuid) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true))::uuid);--> statement-breakpoint
CREATE POLICY "documents_tenant_isolation" ON "documents" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select current_setting('app.tenant_id', true))::uuid) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true))::uuid);--> statement-breakpoint
CREATE POLICY "ai_usage_tenant_isolation" ON "ai_usage" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select current_setting('app.tenant_id', true))::uuid) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true))::uuid);