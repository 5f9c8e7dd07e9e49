CREATE TABLE "runner_events" (
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "runner_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"payload" jsonb NOT NULL,
	"owner_tenant" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"routed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "runner_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"function_id" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"event_id" text NOT NULL,
	"event" jsonb NOT NULL,
	"owner_tenant" text,
	"concurrency" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"max_attempts" integer NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"stack" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"ready_at" timestamp with time zone,
	"output" jsonb,
	"error" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "runner_runs_status_check" CHECK (status in ('queued', 'running', 'retrying', 'sleeping', 'waiting', 'completed', 'failed', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "runner_steps" (
	"run_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"op" text NOT NULL,
	"status" text NOT NULL,
	"data" jsonb,
	"error" jsonb,
	"attempts" integer DEFAULT 0 NOT NULL,
	"wake_at" timestamp with time zone,
	"wait_event" text,
	"wait_if" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"duration_ms" integer,
	CONSTRAINT "runner_steps_run_id_id_pk" PRIMARY KEY("run_id","id"),
	CONSTRAINT "runner_steps_status_check" CHECK (status in ('planned', 'sleeping', 'waiting', 'completed', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "runner_steps" ADD CONSTRAINT "runner_steps_run_id_runner_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runner_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "runner_events_unrouted_idx" ON "runner_events" USING btree ("seq") WHERE routed_at is null;--> statement-breakpoint
CREATE INDEX "runner_runs_due_idx" ON "runner_runs" USING btree ("ready_at") WHERE ready_at is not null;--> statement-breakpoint
CREATE INDEX "runner_runs_event_idx" ON "runner_runs" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "runner_runs_owner_idx" ON "runner_runs" USING btree ("owner_tenant","created_at");--> statement-breakpoint
CREATE INDEX "runner_runs_function_idx" ON "runner_runs" USING btree ("function_id","created_at");--> statement-breakpoint
CREATE INDEX "runner_steps_waiting_idx" ON "runner_steps" USING btree ("wait_event") WHERE status = 'waiting';