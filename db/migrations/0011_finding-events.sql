CREATE TABLE "finding_event" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"finding_id" uuid NOT NULL,
	"fingerprint" text NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"sync_run_id" uuid,
	"actor" text NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "finding_event" ADD CONSTRAINT "finding_event_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "finding_event_org_at_idx" ON "finding_event" USING btree ("org_id","at");--> statement-breakpoint
CREATE INDEX "finding_event_finding_idx" ON "finding_event" USING btree ("org_id","finding_id","id");--> statement-breakpoint
-- A finding's history is append-only: no row is ever changed (removal only by the cascade when
-- its organisation is deleted; the app role has INSERT and SELECT only, app-role.ts).
CREATE OR REPLACE FUNCTION finding_event_refuse_update() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'finding_event is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER finding_event_no_update BEFORE UPDATE ON finding_event FOR EACH ROW EXECUTE FUNCTION finding_event_refuse_update();
