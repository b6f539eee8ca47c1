CREATE TABLE "job_gone" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"repo_id" uuid NOT NULL,
	"workflow_id" uuid NOT NULL,
	"job_key" text NOT NULL,
	"removed_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workflow_gone" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"repo_id" uuid NOT NULL,
	"path" text NOT NULL,
	"name" text,
	"removed_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone,
	"moved_to_path" text
);
--> statement-breakpoint
DROP INDEX "job_workflow_idx";--> statement-breakpoint
ALTER TABLE "job" ADD COLUMN "content_hash" text;--> statement-breakpoint
ALTER TABLE "workflow" ADD COLUMN "content_hash" text;--> statement-breakpoint
ALTER TABLE "job_gone" ADD CONSTRAINT "job_gone_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_gone" ADD CONSTRAINT "job_gone_repo_id_repository_id_fk" FOREIGN KEY ("repo_id") REFERENCES "public"."repository"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_gone" ADD CONSTRAINT "workflow_gone_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_gone" ADD CONSTRAINT "workflow_gone_repo_id_repository_id_fk" FOREIGN KEY ("repo_id") REFERENCES "public"."repository"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "job_gone_workflow_key_uq" ON "job_gone" USING btree ("workflow_id","job_key");--> statement-breakpoint
CREATE INDEX "job_gone_org_idx" ON "job_gone" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "job_gone_repo_idx" ON "job_gone" USING btree ("repo_id");--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_gone_repo_path_uq" ON "workflow_gone" USING btree ("repo_id","path");--> statement-breakpoint
CREATE INDEX "workflow_gone_org_idx" ON "workflow_gone" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "job_workflow_key_uq" ON "job" USING btree ("workflow_id","job_key");