CREATE TABLE "finding_review" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"until" timestamp with time zone NOT NULL,
	"signed_off_by" text NOT NULL,
	"note" text NOT NULL,
	"counts" jsonb NOT NULL,
	"review" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "finding_review" ADD CONSTRAINT "finding_review_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "finding_review_org_number_uq" ON "finding_review" USING btree ("org_id","number");--> statement-breakpoint
CREATE INDEX "finding_review_org_until_idx" ON "finding_review" USING btree ("org_id","until");--> statement-breakpoint
-- A signed-off review is frozen: no row is ever changed (removal only by the cascade when its
-- organisation is deleted; the app role has INSERT and SELECT only, app-role.ts).
CREATE OR REPLACE FUNCTION finding_review_refuse_update() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'finding_review is frozen once signed off: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER finding_review_no_update BEFORE UPDATE ON finding_review FOR EACH ROW EXECUTE FUNCTION finding_review_refuse_update();
