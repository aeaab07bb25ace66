CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"at" bigint NOT NULL,
	"actor_key_id" text,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disabled_endpoints" (
	"workspace_id" text NOT NULL,
	"url" text NOT NULL,
	"disabled_at" bigint NOT NULL,
	"reason" text NOT NULL,
	CONSTRAINT "disabled_endpoints_workspace_id_url_pk" PRIMARY KEY("workspace_id","url")
);
--> statement-breakpoint
CREATE TABLE "effect_attempts" (
	"effect_id" bigint NOT NULL,
	"attempt" integer NOT NULL,
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"at" bigint NOT NULL,
	"duration_ms" integer NOT NULL,
	"outcome" text NOT NULL,
	"status_code" integer,
	"error" text,
	"response" text,
	CONSTRAINT "effect_attempts_effect_id_attempt_pk" PRIMARY KEY("effect_id","attempt")
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"source_id" text NOT NULL,
	"webhook_id" text,
	"received_at" bigint NOT NULL,
	"headers" jsonb NOT NULL,
	"body" text NOT NULL,
	"body_truncated" boolean DEFAULT false NOT NULL,
	"verdict" text NOT NULL,
	"status" integer NOT NULL,
	"reason" text,
	"event" jsonb,
	"message_id" text
);
--> statement-breakpoint
CREATE TABLE "webhook_sources" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"scheme" text NOT NULL,
	"hmac" jsonb,
	"secrets" jsonb NOT NULL,
	"mapping" jsonb NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"disabled_at" bigint
);
--> statement-breakpoint
CREATE INDEX "audit_log_workspace" ON "audit_log" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_source" ON "webhook_deliveries" USING btree ("source_id","id");--> statement-breakpoint
CREATE INDEX "webhook_sources_workspace" ON "webhook_sources" USING btree ("workspace_id","created_at");