DROP INDEX "finding_event_finding_idx";--> statement-breakpoint
ALTER TABLE "finding" ADD COLUMN "workflow_id" uuid;--> statement-breakpoint
ALTER TABLE "finding" ADD COLUMN "workflow_owner" text;--> statement-breakpoint
CREATE INDEX "finding_event_finding_idx" ON "finding_event" USING btree ("org_id","finding_id","id","at","type");--> statement-breakpoint
-- Each stored finding's workflow and the owner the sync derived for it (the invariant on finding, lib/db/schema/findings.ts).
UPDATE "finding" f SET "workflow_id" = w."id", "workflow_owner" = w."owner"
FROM "workflow" w
WHERE w."repo_id" = f."repo_id" AND w."path" = f."path";
