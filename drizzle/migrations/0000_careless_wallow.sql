CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"scope" text NOT NULL,
	"hash" text NOT NULL,
	"prefix" text NOT NULL,
	"name" text NOT NULL,
	"created_at" bigint NOT NULL,
	"last_used_at" bigint,
	"revoked_at" bigint
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"traits" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"stage" text,
	"cluster" text,
	"timezone" text,
	"consent" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "customers_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "effects" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"run_id" text NOT NULL,
	"step_seq" integer NOT NULL,
	"action_index" integer NOT NULL,
	"node_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"channel" text NOT NULL,
	"payload" jsonb NOT NULL,
	"cost" real,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"last_error" text,
	"result" jsonb,
	"created_at" bigint NOT NULL,
	"sent_at" bigint
);
--> statement-breakpoint
CREATE TABLE "events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"message_id" text NOT NULL,
	"type" text NOT NULL,
	"name" text,
	"payload" jsonb NOT NULL,
	"at" bigint NOT NULL,
	"received_at" bigint NOT NULL,
	"processed_at" bigint,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "journey_versions" (
	"workspace_id" text NOT NULL,
	"journey_id" text NOT NULL,
	"version" integer NOT NULL,
	"graph" jsonb NOT NULL,
	"compiled" jsonb NOT NULL,
	"compiler_version" text NOT NULL,
	"note" text NOT NULL,
	"published_at" bigint NOT NULL,
	CONSTRAINT "journey_versions_workspace_id_journey_id_version_pk" PRIMARY KEY("workspace_id","journey_id","version")
);
--> statement-breakpoint
CREATE TABLE "journeys" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"draft" jsonb NOT NULL,
	"live_version" integer,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "journeys_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "mailbox" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"channel" text NOT NULL,
	"recipient" text,
	"subject" text,
	"body" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"sent_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_steps" (
	"run_id" text NOT NULL,
	"seq" integer NOT NULL,
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"at" bigint NOT NULL,
	"state_before" text,
	"state_after" text NOT NULL,
	"step" jsonb NOT NULL,
	CONSTRAINT "run_steps_run_id_seq_pk" PRIMARY KEY("run_id","seq")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"journey_id" text NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"outcome" text,
	"reason" text,
	"current_node" text NOT NULL,
	"state" jsonb NOT NULL,
	"entered_at" bigint NOT NULL,
	"ended_at" bigint
);
--> statement-breakpoint
CREATE TABLE "stage_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"from_stage" text,
	"to_stage" text NOT NULL,
	"cause" text NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"run_id" text NOT NULL,
	"assignee_type" text NOT NULL,
	"assignee_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"script" jsonb NOT NULL,
	"due_at" bigint NOT NULL,
	"done" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "timers" (
	"run_id" text NOT NULL,
	"timer_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"due_at" bigint NOT NULL,
	"event" jsonb NOT NULL,
	CONSTRAINT "timers_run_id_timer_id_pk" PRIMARY KEY("run_id","timer_id")
);
--> statement-breakpoint
CREATE TABLE "workspaces" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash" ON "api_keys" USING btree ("hash");--> statement-breakpoint
CREATE UNIQUE INDEX "effects_idempotency" ON "effects" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "effects_due" ON "effects" USING btree ("next_attempt_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "effects_run" ON "effects" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "events_message_id" ON "events" USING btree ("workspace_id","message_id");--> statement-breakpoint
CREATE INDEX "events_customer" ON "events" USING btree ("workspace_id","customer_id","seq");--> statement-breakpoint
CREATE INDEX "events_pending" ON "events" USING btree ("seq") WHERE processed_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "mailbox_idempotency" ON "mailbox" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "run_steps_customer" ON "run_steps" USING btree ("workspace_id","customer_id","at");--> statement-breakpoint
CREATE INDEX "runs_customer" ON "runs" USING btree ("workspace_id","customer_id","status");--> statement-breakpoint
CREATE INDEX "runs_journey" ON "runs" USING btree ("workspace_id","journey_id","status");--> statement-breakpoint
CREATE INDEX "stage_changes_customer" ON "stage_changes" USING btree ("workspace_id","customer_id","at");--> statement-breakpoint
CREATE INDEX "tasks_assignee" ON "tasks" USING btree ("workspace_id","assignee_type","assignee_id");--> statement-breakpoint
CREATE INDEX "timers_due" ON "timers" USING btree ("due_at");