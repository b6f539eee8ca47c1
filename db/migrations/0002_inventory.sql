CREATE TABLE "etag_cache" (
	"org_id" uuid NOT NULL,
	"key" text NOT NULL,
	"etag" text NOT NULL,
	"body" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "github_connection" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"base_url" text NOT NULL,
	"installation_id" bigint,
	"account_login" text NOT NULL,
	"permissions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_run" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"trigger" text NOT NULL,
	"requested_by" text,
	"status" text NOT NULL,
	"message" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"repos_total" integer DEFAULT 0 NOT NULL,
	"repos_done" integer DEFAULT 0 NOT NULL,
	"repos_failed" integer DEFAULT 0 NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"charged" integer DEFAULT 0 NOT NULL,
	"not_modified" integer DEFAULT 0 NOT NULL,
	"graphql_points" integer DEFAULT 0 NOT NULL,
	"retries" integer DEFAULT 0 NOT NULL,
	"rate_limit_wait_ms" integer DEFAULT 0 NOT NULL,
	"waiting_until" timestamp with time zone,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_delivery" (
	"delivery_id" text PRIMARY KEY NOT NULL,
	"event" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "environment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"repo_id" uuid NOT NULL,
	"name" text NOT NULL,
	"protection" jsonb NOT NULL,
	"is_protected" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "finding" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"repo_id" uuid NOT NULL,
	"fingerprint" text NOT NULL,
	"rule" text NOT NULL,
	"severity" text NOT NULL,
	"path" text NOT NULL,
	"line" integer NOT NULL,
	"job_key" text,
	"message" text NOT NULL,
	"fix" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"fixed_at" timestamp with time zone,
	"regressed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "job_identity" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"identifier" text,
	"symbolic" boolean DEFAULT false NOT NULL,
	"oidc" boolean NOT NULL,
	"source" text NOT NULL,
	"line" integer NOT NULL,
	"heuristic" boolean DEFAULT false NOT NULL,
	"secret_names" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_secret" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"secret_name" text NOT NULL,
	"via" text NOT NULL,
	"line" integer NOT NULL,
	"step" integer,
	"secret_id" uuid,
	"resolution" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_system" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"identifier" text,
	"symbolic" boolean DEFAULT false NOT NULL,
	"heuristic" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"repo_id" uuid NOT NULL,
	"workflow_id" uuid NOT NULL,
	"job_key" text NOT NULL,
	"name" text,
	"line" integer NOT NULL,
	"phase" text NOT NULL,
	"permissions" jsonb,
	"permissions_source" text NOT NULL,
	"id_token" boolean NOT NULL,
	"environment" text,
	"runs_on" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"self_hosted" boolean NOT NULL,
	"runs_untrusted_code" boolean NOT NULL,
	"uses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"calls" jsonb
);
--> statement-breakpoint
CREATE TABLE "repo_file" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"repo_id" uuid NOT NULL,
	"path" text NOT NULL,
	"oid" text NOT NULL,
	"text" text,
	"skipped" text
);
--> statement-breakpoint
CREATE TABLE "repository" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"github_id" bigint NOT NULL,
	"name" text NOT NULL,
	"full_name" text NOT NULL,
	"visibility" text NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	"fork" boolean DEFAULT false NOT NULL,
	"default_branch" text NOT NULL,
	"pushed_at" timestamp with time zone,
	"files_pushed_at" timestamp with time zone,
	"default_workflow_permissions" text,
	"effective_default_permissions" text,
	"oidc_sub_template" jsonb,
	"custom_properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"deploy_keys" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"runners" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"owner" text,
	"owner_source" text,
	"stale_reason" text,
	"synced_at" timestamp with time zone,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "secret" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"repo_id" uuid,
	"scope" text NOT NULL,
	"environment" text,
	"name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"visibility" text,
	"selected_repo_ids" jsonb
);
--> statement-breakpoint
CREATE TABLE "variable" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"repo_id" uuid,
	"scope" text NOT NULL,
	"environment" text,
	"name" text NOT NULL,
	"value" text NOT NULL,
	"visibility" text,
	"selected_repo_ids" jsonb
);
--> statement-breakpoint
CREATE TABLE "workflow" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"repo_id" uuid NOT NULL,
	"path" text NOT NULL,
	"name" text,
	"github_workflow_id" bigint,
	"state" text,
	"blob_oid" text,
	"triggers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"untrusted_triggers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"parse_error" text,
	"owner" text,
	"owner_source" text
);
--> statement-breakpoint
ALTER TABLE "etag_cache" ADD CONSTRAINT "etag_cache_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "github_connection" ADD CONSTRAINT "github_connection_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_run" ADD CONSTRAINT "sync_run_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environment" ADD CONSTRAINT "environment_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environment" ADD CONSTRAINT "environment_repo_id_repository_id_fk" FOREIGN KEY ("repo_id") REFERENCES "public"."repository"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finding" ADD CONSTRAINT "finding_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finding" ADD CONSTRAINT "finding_repo_id_repository_id_fk" FOREIGN KEY ("repo_id") REFERENCES "public"."repository"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_identity" ADD CONSTRAINT "job_identity_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_identity" ADD CONSTRAINT "job_identity_job_id_job_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."job"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_secret" ADD CONSTRAINT "job_secret_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_secret" ADD CONSTRAINT "job_secret_job_id_job_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."job"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_secret" ADD CONSTRAINT "job_secret_secret_id_secret_id_fk" FOREIGN KEY ("secret_id") REFERENCES "public"."secret"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_system" ADD CONSTRAINT "job_system_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_system" ADD CONSTRAINT "job_system_job_id_job_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."job"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job" ADD CONSTRAINT "job_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job" ADD CONSTRAINT "job_repo_id_repository_id_fk" FOREIGN KEY ("repo_id") REFERENCES "public"."repository"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job" ADD CONSTRAINT "job_workflow_id_workflow_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflow"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repo_file" ADD CONSTRAINT "repo_file_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repo_file" ADD CONSTRAINT "repo_file_repo_id_repository_id_fk" FOREIGN KEY ("repo_id") REFERENCES "public"."repository"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repository" ADD CONSTRAINT "repository_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secret" ADD CONSTRAINT "secret_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "secret" ADD CONSTRAINT "secret_repo_id_repository_id_fk" FOREIGN KEY ("repo_id") REFERENCES "public"."repository"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "variable" ADD CONSTRAINT "variable_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "variable" ADD CONSTRAINT "variable_repo_id_repository_id_fk" FOREIGN KEY ("repo_id") REFERENCES "public"."repository"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow" ADD CONSTRAINT "workflow_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow" ADD CONSTRAINT "workflow_repo_id_repository_id_fk" FOREIGN KEY ("repo_id") REFERENCES "public"."repository"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "etag_cache_org_key_uq" ON "etag_cache" USING btree ("org_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "github_connection_org_uq" ON "github_connection" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "github_connection_installation_uq" ON "github_connection" USING btree ("installation_id");--> statement-breakpoint
CREATE INDEX "sync_run_org_started_idx" ON "sync_run" USING btree ("org_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "environment_repo_name_uq" ON "environment" USING btree ("repo_id","name");--> statement-breakpoint
CREATE INDEX "environment_org_idx" ON "environment" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "finding_org_fingerprint_uq" ON "finding" USING btree ("org_id","fingerprint");--> statement-breakpoint
CREATE INDEX "finding_repo_idx" ON "finding" USING btree ("repo_id");--> statement-breakpoint
CREATE INDEX "finding_org_rule_idx" ON "finding" USING btree ("org_id","rule");--> statement-breakpoint
CREATE INDEX "job_identity_job_idx" ON "job_identity" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "job_identity_org_kind_idx" ON "job_identity" USING btree ("org_id","kind","identifier");--> statement-breakpoint
CREATE INDEX "job_secret_job_idx" ON "job_secret" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "job_secret_secret_idx" ON "job_secret" USING btree ("secret_id");--> statement-breakpoint
CREATE INDEX "job_secret_org_name_idx" ON "job_secret" USING btree ("org_id","secret_name");--> statement-breakpoint
CREATE INDEX "job_system_job_idx" ON "job_system" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "job_system_org_kind_idx" ON "job_system" USING btree ("org_id","kind","identifier");--> statement-breakpoint
CREATE INDEX "job_workflow_idx" ON "job" USING btree ("workflow_id");--> statement-breakpoint
CREATE INDEX "job_org_idx" ON "job" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "job_repo_idx" ON "job" USING btree ("repo_id");--> statement-breakpoint
CREATE UNIQUE INDEX "repo_file_repo_path_uq" ON "repo_file" USING btree ("repo_id","path");--> statement-breakpoint
CREATE INDEX "repo_file_org_idx" ON "repo_file" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "repository_org_github_uq" ON "repository" USING btree ("org_id","github_id");--> statement-breakpoint
CREATE INDEX "repository_org_name_idx" ON "repository" USING btree ("org_id","name");--> statement-breakpoint
CREATE INDEX "secret_org_name_idx" ON "secret" USING btree ("org_id","name");--> statement-breakpoint
CREATE INDEX "secret_repo_idx" ON "secret" USING btree ("repo_id");--> statement-breakpoint
CREATE INDEX "variable_org_name_idx" ON "variable" USING btree ("org_id","name");--> statement-breakpoint
CREATE INDEX "variable_repo_idx" ON "variable" USING btree ("repo_id");--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_repo_path_uq" ON "workflow" USING btree ("repo_id","path");--> statement-breakpoint
CREATE INDEX "workflow_org_idx" ON "workflow" USING btree ("org_id");