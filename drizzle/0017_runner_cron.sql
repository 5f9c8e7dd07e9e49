CREATE TABLE "runner_cron" (
	"function_id" text NOT NULL,
	"cron" text NOT NULL,
	"last_fire_at" timestamp with time zone NOT NULL,
	CONSTRAINT "runner_cron_function_id_cron_pk" PRIMARY KEY("function_id","cron")
);
