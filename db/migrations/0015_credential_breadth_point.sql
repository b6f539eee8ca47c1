CREATE TABLE "credential_breadth_point" (
	"sync_run_id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"over_broad" integer NOT NULL,
	"unused" integer NOT NULL,
	"by_scope" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credential_breadth_point" ADD CONSTRAINT "credential_breadth_point_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credential_breadth_point_org_at_idx" ON "credential_breadth_point" USING btree ("org_id","at");--> statement-breakpoint
-- A trend point is what a sync left: no row is ever changed (removal only by the cascade when its
-- organisation is deleted; the app role has INSERT and SELECT only, app-role.ts).
CREATE OR REPLACE FUNCTION credential_breadth_point_refuse_update() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'credential_breadth_point is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER credential_breadth_point_no_update BEFORE UPDATE ON credential_breadth_point FOR EACH ROW EXECUTE FUNCTION credential_breadth_point_refuse_update();
