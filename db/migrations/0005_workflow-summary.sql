-- Trigram search of the Workflows list (workflow.search). A trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "job_action" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"action" text NOT NULL,
	"ref" text,
	"kind" text NOT NULL
);
--> statement-breakpoint
DROP INDEX "job_org_phase_workflow_idx";--> statement-breakpoint
DROP INDEX "job_uses_gin";--> statement-breakpoint
DROP INDEX "job_org_calls_workflow_idx";--> statement-breakpoint
DROP INDEX "workflow_org_path_idx";--> statement-breakpoint
ALTER TABLE "workflow" ADD COLUMN "repo_full_name" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow" ADD COLUMN "search" text GENERATED ALWAYS AS (lower(repo_full_name || ' ' || path || ' ' || coalesce(name, ''))) STORED;--> statement-breakpoint
ALTER TABLE "workflow" ADD COLUMN "phase" text;--> statement-breakpoint
ALTER TABLE "workflow" ADD COLUMN "phases" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow" ADD COLUMN "token" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow" ADD COLUMN "id_token" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow" ADD COLUMN "secret_names" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow" ADD COLUMN "secret_keys" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow" ADD COLUMN "identities" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow" ADD COLUMN "systems" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow" ADD COLUMN "finding_counts" jsonb DEFAULT '{"critical":0,"high":0,"medium":0,"low":0,"info":0}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow" ADD COLUMN "open_findings" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow" ADD COLUMN "max_severity" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "job_action" ADD CONSTRAINT "job_action_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_action" ADD CONSTRAINT "job_action_job_id_job_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."job"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint--> statement-breakpoint
-- Backfill of the summary columns for snapshots written before them (the snapshot writer keeps them from now on).
UPDATE "workflow" w SET "repo_full_name" = r."full_name" FROM "repository" r WHERE r."id" = w."repo_id";--> statement-breakpoint
UPDATE "workflow" w SET "phase" = s."phase", "phases" = s."phases", "id_token" = s."id_token", "token" = s."token"
FROM (
  SELECT j."workflow_id",
    (array_agg(j."phase" ORDER BY CASE j."phase" WHEN 'deploy' THEN 3 WHEN 'publish' THEN 2 WHEN 'verify' THEN 1 ELSE 0 END DESC))[1] AS "phase",
    array_agg(DISTINCT j."phase") AS "phases",
    bool_or(j."id_token") AS "id_token",
    CASE
      WHEN bool_or(j."permissions" = '"write-all"'::jsonb) THEN 'write-all'
      WHEN bool_or(jsonb_typeof(j."permissions") = 'object' AND j."permissions" @? '$.* ? (@ == "write")') THEN 'write'
      WHEN bool_or(j."permissions" IS NULL OR j."permissions" = 'null'::jsonb) THEN 'default'
      WHEN bool_or(j."permissions" = '"read-all"'::jsonb OR (jsonb_typeof(j."permissions") = 'object' AND j."permissions" @? '$.* ? (@ == "read")')) THEN 'read'
      ELSE 'none'
    END AS "token"
  FROM "job" j GROUP BY j."workflow_id"
) s WHERE s."workflow_id" = w."id";--> statement-breakpoint
UPDATE "workflow" w SET "secret_names" = s."names", "secret_keys" = s."keys"
FROM (
  SELECT j."workflow_id", array_agg(DISTINCT js."secret_name" ORDER BY js."secret_name") AS "names", array_agg(DISTINCT upper(js."secret_name")) AS "keys"
  FROM "job_secret" js JOIN "job" j ON j."id" = js."job_id" GROUP BY j."workflow_id"
) s WHERE s."workflow_id" = w."id";--> statement-breakpoint
UPDATE "workflow" w SET "identities" = s."list"
FROM (
  SELECT d."workflow_id", jsonb_agg(jsonb_build_object('kind', d."kind", 'id', d."identifier", 'oidc', d."oidc") ORDER BY d."kind", d."identifier") AS "list"
  FROM (SELECT DISTINCT ON (j."workflow_id", ji."kind", ji."identifier") j."workflow_id", ji."kind", ji."identifier", ji."oidc"
        FROM "job_identity" ji JOIN "job" j ON j."id" = ji."job_id") d
  GROUP BY d."workflow_id"
) s WHERE s."workflow_id" = w."id";--> statement-breakpoint
UPDATE "workflow" w SET "systems" = s."list"
FROM (
  SELECT d."workflow_id", jsonb_agg(jsonb_build_object('kind', d."kind", 'id', d."identifier") ORDER BY d."kind", d."identifier") AS "list"
  FROM (SELECT DISTINCT j."workflow_id", sy."kind", sy."identifier" FROM "job_system" sy JOIN "job" j ON j."id" = sy."job_id") d
  GROUP BY d."workflow_id"
) s WHERE s."workflow_id" = w."id";--> statement-breakpoint
UPDATE "workflow" w SET "finding_counts" = s."counts", "open_findings" = s."total", "max_severity" = s."top"
FROM (
  SELECT f."repo_id", f."path",
    jsonb_build_object('critical', count(*) FILTER (WHERE f."severity" = 'critical'), 'high', count(*) FILTER (WHERE f."severity" = 'high'),
      'medium', count(*) FILTER (WHERE f."severity" = 'medium'), 'low', count(*) FILTER (WHERE f."severity" = 'low'),
      'info', count(*) FILTER (WHERE f."severity" = 'info')) AS "counts",
    count(*) AS "total",
    max(CASE f."severity" WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3 WHEN 'low' THEN 2 WHEN 'info' THEN 1 ELSE 0 END) AS "top"
  FROM "finding" f WHERE f."fixed_at" IS NULL GROUP BY f."repo_id", f."path"
) s WHERE s."repo_id" = w."repo_id" AND s."path" = w."path";--> statement-breakpoint
INSERT INTO "job_action" ("org_id", "job_id", "action", "ref", "kind")
SELECT DISTINCT u."org_id", u."job_id",
  lower(CASE WHEN strpos(u."uses", '@') > 0 THEN left(u."uses", strpos(u."uses", '@') - 1) ELSE u."uses" END),
  CASE WHEN strpos(u."uses", '@') > 0 THEN nullif(substr(u."uses", strpos(u."uses", '@') + 1), '') END,
  u."kind"
FROM (
  SELECT j."org_id", j."id" AS "job_id", e->>'uses' AS "uses", 'action' AS "kind" FROM "job" j, jsonb_array_elements(j."uses") e
  UNION ALL
  SELECT j."org_id", j."id", j."calls"->>'workflow', 'workflow' FROM "job" j WHERE j."calls" IS NOT NULL
) u WHERE u."uses" IS NOT NULL AND u."uses" <> '';--> statement-breakpoint
CREATE INDEX "job_action_org_action_ref_idx" ON "job_action" USING btree ("org_id","action","ref");--> statement-breakpoint
CREATE INDEX "job_action_job_idx" ON "job_action" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "workflow_secret_keys_gin" ON "workflow" USING gin ("secret_keys");--> statement-breakpoint
CREATE INDEX "workflow_phases_gin" ON "workflow" USING gin ("phases");--> statement-breakpoint
CREATE INDEX "workflow_search_trgm" ON "workflow" USING gin ("search" gin_trgm_ops);--> statement-breakpoint
ALTER TABLE "workflow" ADD COLUMN "secret_count" integer GENERATED ALWAYS AS (cardinality(secret_names)) STORED;--> statement-breakpoint
CREATE INDEX "workflow_org_max_severity_idx" ON "workflow" USING btree ("org_id","max_severity");--> statement-breakpoint
CREATE INDEX "workflow_org_repo_name_path_idx" ON "workflow" USING btree ("org_id","repo_full_name","path","repo_id","id");--> statement-breakpoint
CREATE INDEX "workflow_org_path_idx" ON "workflow" USING btree ("org_id","path","repo_full_name","repo_id","id");--> statement-breakpoint
CREATE INDEX "workflow_org_findings_idx" ON "workflow" USING btree ("org_id","open_findings","repo_full_name","path","repo_id","id");--> statement-breakpoint
CREATE INDEX "workflow_org_findings_desc_idx" ON "workflow" USING btree ("org_id","open_findings" DESC NULLS FIRST,"repo_full_name","path","repo_id","id");--> statement-breakpoint
CREATE INDEX "workflow_org_secrets_idx" ON "workflow" USING btree ("org_id","secret_count","repo_full_name","path","repo_id","id");--> statement-breakpoint
CREATE INDEX "workflow_org_secrets_desc_idx" ON "workflow" USING btree ("org_id","secret_count" DESC NULLS FIRST,"repo_full_name","path","repo_id","id");
