CREATE TABLE "sync_batch" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"repos" jsonb NOT NULL,
	"files_for" jsonb NOT NULL,
	"org" jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"worker" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"done_repo_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"failure" text
);
--> statement-breakpoint
ALTER TABLE "sync_run" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sync_run" ADD COLUMN "worker" text;--> statement-breakpoint
ALTER TABLE "sync_batch" ADD CONSTRAINT "sync_batch_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_batch" ADD CONSTRAINT "sync_batch_run_id_sync_run_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."sync_run"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sync_batch_run_seq_uq" ON "sync_batch" USING btree ("run_id","seq");--> statement-breakpoint
CREATE INDEX "sync_batch_org_idx" ON "sync_batch" USING btree ("org_id");