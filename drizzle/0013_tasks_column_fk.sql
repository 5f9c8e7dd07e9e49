ALTER TABLE "tasks" DROP CONSTRAINT "tasks_column_fk";
--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_column_fk" FOREIGN KEY ("tenant_id","column_id") REFERENCES "public"."board_columns"("tenant_id","id") ON DELETE no action ON UPDATE no action;