CREATE TABLE "platform_incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"component" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"title" text NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "platform_incidents_status_check" CHECK (status in ('open', 'resolved')),
	CONSTRAINT "platform_incidents_kind_check" CHECK (kind in ('dependency_down', 'pipeline_failures', 'manual'))
);
--> statement-breakpoint
CREATE TABLE "platform_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "platform_incidents_one_open_uq" ON "platform_incidents" USING btree ("component","kind") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "platform_incidents_started_idx" ON "platform_incidents" USING btree ("started_at");