DROP INDEX "trust_match_org_job_idx";--> statement-breakpoint
CREATE INDEX "trust_match_job_idx" ON "trust_match" USING btree ("job_id");