CREATE TABLE "customer_suppressions" (
	"workspace_id" text NOT NULL,
	"customer_hash" text NOT NULL,
	"reason" text NOT NULL,
	"at" bigint NOT NULL,
	"lifted_at" bigint,
	CONSTRAINT "customer_suppressions_workspace_id_customer_hash_pk" PRIMARY KEY("workspace_id","customer_hash")
);
--> statement-breakpoint
CREATE TABLE "workspace_settings" (
	"workspace_id" text NOT NULL,
	"key" text NOT NULL,
	"version" integer NOT NULL,
	"value" jsonb NOT NULL,
	"note" text,
	"created_at" bigint NOT NULL,
	CONSTRAINT "workspace_settings_workspace_id_key_version_pk" PRIMARY KEY("workspace_id","key","version")
);
