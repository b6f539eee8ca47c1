CREATE TABLE "finding_exception" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"finding_id" uuid,
	"rule" text NOT NULL,
	"repo_id" uuid,
	"repo_full_name" text,
	"secret_name" text,
	"reason" text NOT NULL,
	"approved_by" text NOT NULL,
	"granted_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" text,
	"revoke_reason" text,
	"expiry_recorded_at" timestamp with time zone,
	CONSTRAINT "finding_exception_scope_ck" CHECK ((scope = 'finding' and finding_id is not null) or (scope = 'rule_repo' and repo_id is not null) or (scope = 'rule_secret' and secret_name is not null)),
	CONSTRAINT "finding_exception_expiry_ck" CHECK (expires_at > granted_at)
);
--> statement-breakpoint
ALTER TABLE "finding" ADD COLUMN "triage_state" text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE "finding" ADD COLUMN "assignee" text;--> statement-breakpoint
ALTER TABLE "finding" ADD COLUMN "triaged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "finding" ADD COLUMN "triaged_by" text;--> statement-breakpoint
ALTER TABLE "finding_exception" ADD CONSTRAINT "finding_exception_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "finding_exception_org_idx" ON "finding_exception" USING btree ("org_id","expires_at");--> statement-breakpoint
CREATE INDEX "finding_exception_finding_idx" ON "finding_exception" USING btree ("org_id","finding_id");--> statement-breakpoint
CREATE INDEX "finding_exception_pending_expiry_idx" ON "finding_exception" USING btree ("expires_at") WHERE revoked_at is null and expiry_recorded_at is null;