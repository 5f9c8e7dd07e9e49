-- RESTRICT cannot be deferred; NO ACTION can (see lib/db/schema/tasks.ts).
ALTER TABLE "tasks" ALTER CONSTRAINT "tasks_column_fk" DEFERRABLE INITIALLY DEFERRED;
