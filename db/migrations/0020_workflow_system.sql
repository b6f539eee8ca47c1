ALTER TABLE "workflow" ADD COLUMN "system" text DEFAULT 'github-actions' NOT NULL;--> statement-breakpoint
CREATE INDEX "workflow_org_system_idx" ON "workflow" USING btree ("org_id","system");