CREATE TABLE "finding_file_count" (
	"org_id" uuid NOT NULL,
	"repo_id" uuid NOT NULL,
	"path" text NOT NULL,
	"severity" text NOT NULL,
	"open" integer NOT NULL,
	"workflow_owner" text,
	"repo_owner" text,
	CONSTRAINT "finding_file_count_repo_id_path_severity_pk" PRIMARY KEY("repo_id","path","severity")
);
--> statement-breakpoint
ALTER TABLE "finding_file_count" ADD CONSTRAINT "finding_file_count_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finding_file_count" ADD CONSTRAINT "finding_file_count_repo_id_repository_id_fk" FOREIGN KEY ("repo_id") REFERENCES "public"."repository"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "finding_file_count_org_idx" ON "finding_file_count" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "finding_open_severity_idx" ON "finding" USING btree ("org_id","severity") WHERE fixed_at is null;--> statement-breakpoint
-- Counts for the findings already stored (the invariant on finding_file_count, lib/db/schema/findings.ts).
INSERT INTO "finding_file_count" ("org_id", "repo_id", "path", "severity", "open", "workflow_owner", "repo_owner")
SELECT f."org_id", f."repo_id", f."path", f."severity", count(*)::int, w."owner", r."owner"
FROM "finding" f
JOIN "repository" r ON r."id" = f."repo_id"
LEFT JOIN "workflow" w ON w."repo_id" = f."repo_id" AND w."path" = f."path"
WHERE f."fixed_at" IS NULL
GROUP BY f."org_id", f."repo_id", f."path", f."severity", w."owner", r."owner";
