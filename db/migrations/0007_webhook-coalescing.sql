ALTER TABLE "sync_run" ADD COLUMN "repo_ids" bigint[];--> statement-breakpoint
ALTER TABLE "sync_run" ADD COLUMN "force_files_for" bigint[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_delivery" ADD COLUMN "body_sha256" text;--> statement-breakpoint
ALTER TABLE "webhook_delivery" ADD COLUMN "sync_run_id" uuid;--> statement-breakpoint
ALTER TABLE "webhook_delivery" ADD COLUMN "coalesced" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "sync_run_org_status_idx" ON "sync_run" USING btree ("org_id","status");--> statement-breakpoint
CREATE INDEX "webhook_delivery_body_idx" ON "webhook_delivery" USING btree ("body_sha256","received_at");--> statement-breakpoint
CREATE INDEX "webhook_delivery_received_idx" ON "webhook_delivery" USING btree ("received_at");-- Hand-written: none needed. Runs queued before this migration carried their repository ids
-- in the job payload; with repo_ids null they now sync the whole organisation when they start
-- (more work, the same result). Old deliveries have no body_sha256 and dedupe on their id only.
