ALTER TABLE "tasks" ADD COLUMN "script_name" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "script_cluster" text;