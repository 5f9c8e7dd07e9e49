CREATE TABLE "assistant_conversations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"title" text,
	"turn_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assistant_conversations_tenant_id_user_uq" UNIQUE("tenant_id","id","user_id"),
	CONSTRAINT "assistant_conversations_title_check" CHECK (title is null or char_length(title) between 1 and 200),
	CONSTRAINT "assistant_conversations_turn_count_check" CHECK (turn_count >= 0)
);
--> statement-breakpoint
ALTER TABLE "assistant_conversations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "assistant_turns" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"ord" integer NOT NULL,
	"question" text NOT NULL,
	"search_query" text NOT NULL,
	"document_ids" uuid[],
	"status" text DEFAULT 'answering' NOT NULL,
	"answer" text DEFAULT '' NOT NULL,
	"citations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"provider" text,
	"model" text,
	"confidence" real,
	"low_confidence" boolean,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"answered_at" timestamp with time zone,
	CONSTRAINT "assistant_turns_conversation_ord_uq" UNIQUE("tenant_id","conversation_id","ord"),
	CONSTRAINT "assistant_turns_status_check" CHECK (status in ('answering', 'done', 'error')),
	CONSTRAINT "assistant_turns_question_check" CHECK (char_length(question) between 1 and 4000)
);
--> statement-breakpoint
ALTER TABLE "assistant_turns" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "source_quote" text;--> statement-breakpoint
ALTER TABLE "assistant_conversations" ADD CONSTRAINT "assistant_conversations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistant_conversations" ADD CONSTRAINT "assistant_conversations_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistant_turns" ADD CONSTRAINT "assistant_turns_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistant_turns" ADD CONSTRAINT "assistant_turns_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistant_turns" ADD CONSTRAINT "assistant_turns_conversation_fk" FOREIGN KEY ("tenant_id","conversation_id","user_id") REFERENCES "public"."assistant_conversations"("tenant_id","id","user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assistant_conversations_tenant_user_updated_idx" ON "assistant_conversations" USING btree ("tenant_id","user_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "assistant_conversations_user_idx" ON "assistant_conversations" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "assistant_turns_user_idx" ON "assistant_turns" USING btree ("user_id");--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_source_quote_check" CHECK (source_quote is null or char_length(source_quote) between 1 and 1000);--> statement-breakpoint
CREATE POLICY "assistant_conversations_owner_isolation" ON "assistant_conversations" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid and (user_id = (select nullif(current_setting('app.user_id', true), ''))::uuid or (select current_setting('app.member_scope', true)) = 'all')) WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid and (user_id = (select nullif(current_setting('app.user_id', true), ''))::uuid or (select current_setting('app.member_scope', true)) = 'all'));--> statement-breakpoint
CREATE POLICY "assistant_turns_owner_isolation" ON "assistant_turns" AS PERMISSIVE FOR ALL TO "app_user" USING (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid and (user_id = (select nullif(current_setting('app.user_id', true), ''))::uuid or (select current_setting('app.member_scope', true)) = 'all')) WITH CHECK (tenant_id = (select nullif(current_setting('app.tenant_id', true), ''))::uuid and (user_id = (select nullif(current_setting('app.user_id', true), ''))::uuid or (select current_setting('app.member_scope', true)) = 'all'));