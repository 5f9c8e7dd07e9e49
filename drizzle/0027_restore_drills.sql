CREATE TABLE "restore_drills" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"backup_name" text,
	"backup_created_at" timestamp with time zone,
	"target" text NOT NULL,
	"restore_ms" integer,
	"backup_age_ms" bigint,
	"rows" bigint,
	"blobs" integer,
	"detail" text DEFAULT '' NOT NULL,
	CONSTRAINT "restore_drills_status_check" CHECK (status in ('passed', 'failed'))
);
--> statement-breakpoint
CREATE INDEX "restore_drills_started_idx" ON "restore_drills" USING btree ("started_at");