CREATE TABLE "date_schedules" (
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"journey_id" text NOT NULL,
	"node_id" text NOT NULL,
	"trait" text NOT NULL,
	"due_at" bigint NOT NULL,
	CONSTRAINT "date_schedules_workspace_id_customer_id_journey_id_node_id_pk" PRIMARY KEY("workspace_id","customer_id","journey_id","node_id")
);
--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "webhook_secret" text;--> statement-breakpoint
CREATE INDEX "date_schedules_due" ON "date_schedules" USING btree ("due_at");