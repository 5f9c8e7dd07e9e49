CREATE TABLE "board_columns" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "board_columns_tenant_key_uq" UNIQUE("tenant_id","key"),
	CONSTRAINT "board_columns_tenant_id_uq" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "board_columns" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tasks" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"column_id" uuid NOT NULL,
	"rank" text NOT NULL,
	"assignee_id" uuid,
	"due_date" date,
	"labels" text[] DEFAULT '{}'::text[] NOT NULL,
	"source_document_id" uuid,
	"action_index" integer,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tasks_source_pair_check" CHECK ((source_document_id is null) = (action_index is null)),
	CONSTRAINT "tasks_version_check" CHECK (version > 0),
	CONSTRAINT "tasks_title_check" CHECK (char_length(title) between 1 and 500)
);
--> statement-breakpoint
ALTER TABLE "tasks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "realtime_events" (
	"tenant_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"permission" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "realtime_events_pk" PRIMARY KEY("tenant_id","seq")
);
--> statement-breakpoint
ALTER TABLE "realtime_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "realtime_sequences" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "realtime_sequences" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "board_columns" ADD CONSTRAINT "board_columns_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_assignee_id_user_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_column_fk" FOREIGN KEY ("tenant_id","column_id") REFERENCES "public"."board_columns"("tenant_id","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "realtime_events" ADD CONSTRAINT "realtime_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "realtime_sequences" ADD CONSTRAINT "realtime_sequences_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "board_columns_tenant_position_idx" ON "board_columns" USING btree ("tenant_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_tenant_source_action_uq" ON "tasks" USING btree ("tenant_id","source_document_id","action_index");--> statement-breakpoint
CREATE INDEX "tasks_tenant_created_idx" ON "tasks" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "tasks_tenant_column_rank_idx" ON "tasks" USING btree ("tenant_id","column_id","rank");--> statement-breakpoint
CREATE INDEX "tasks_tenant_assignee_idx" ON "tasks" USING btree ("tenant_id","assignee_id");--> statement-breakpoint
CREATE INDEX "realtime_events_tenant_created_idx" ON "realtime_events" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE POLICY "board_columns_tenant_isolation" ON "board_columns" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select current_setting('app.tenant_id', true))::uuid) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true))::uuid);--> statement-breakpoint
CREATE POLICY "tasks_tenant_isolation" ON "tasks" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select current_setting('app.tenant_id', true))::uuid) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true))::uuid);--> statement-breakpoint
CREATE POLICY "realtime_events_tenant_isolation" ON "realtime_events" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select current_setting('app.tenant_id', true))::uuid) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true))::uuid);--> statement-breakpoint
CREATE POLICY "realtime_sequences_tenant_isolation" ON "realtime_sequences" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select current_setting('app.tenant_id', true))::uuid) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true))::uuid);