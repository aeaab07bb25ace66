CREATE TABLE "reevaluations" (
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"subject" text NOT NULL,
	"due_at" bigint NOT NULL,
	CONSTRAINT "reevaluations_workspace_id_customer_id_subject_pk" PRIMARY KEY("workspace_id","customer_id","subject")
);
--> statement-breakpoint
CREATE TABLE "segment_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"segment_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"change" text NOT NULL,
	"cause" text NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segment_members" (
	"workspace_id" text NOT NULL,
	"segment_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"entered_at" bigint NOT NULL,
	CONSTRAINT "segment_members_workspace_id_segment_id_customer_id_pk" PRIMARY KEY("workspace_id","segment_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"definition" jsonb NOT NULL,
	"version" integer NOT NULL,
	"evaluated_version" integer,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "segments_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE INDEX "reevaluations_due" ON "reevaluations" USING btree ("due_at");--> statement-breakpoint
CREATE INDEX "segment_changes_segment" ON "segment_changes" USING btree ("workspace_id","segment_id","at");--> statement-breakpoint
CREATE INDEX "segment_changes_customer" ON "segment_changes" USING btree ("workspace_id","customer_id");--> statement-breakpoint
CREATE INDEX "segment_members_customer" ON "segment_members" USING btree ("workspace_id","customer_id");