CREATE TABLE "incident_event" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"incident_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"type" text NOT NULL,
	"message" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_item" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"incident_id" uuid NOT NULL,
	"step" integer NOT NULL,
	"kind" text NOT NULL,
	"scope_key" text,
	"label" text NOT NULL,
	"detail" text,
	"owner" text,
	"assignee" text,
	"status" text DEFAULT 'todo' NOT NULL,
	"status_reason" text,
	"command" text,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"notes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"exposed" integer DEFAULT 0 NOT NULL,
	"position" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "incident_scope" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"incident_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"exposure" text DEFAULT 'reachable' NOT NULL,
	"added_by" text,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"target_label" text NOT NULL,
	"window_from" timestamp with time zone,
	"window_to" timestamp with time zone,
	"title" text NOT NULL,
	"severity" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"commander" text NOT NULL,
	"started_by" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"inventory_sync_run_id" uuid,
	"inventory_at" timestamp with time zone,
	"exposure_checked_at" timestamp with time zone,
	"exposure_note" text,
	"closed_at" timestamp with time zone,
	"closed_by" text,
	"summary" text
);
--> statement-breakpoint
ALTER TABLE "incident_event" ADD CONSTRAINT "incident_event_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_event" ADD CONSTRAINT "incident_event_incident_id_incident_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incident"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_item" ADD CONSTRAINT "incident_item_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_item" ADD CONSTRAINT "incident_item_incident_id_incident_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incident"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_scope" ADD CONSTRAINT "incident_scope_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_scope" ADD CONSTRAINT "incident_scope_incident_id_incident_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incident"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident" ADD CONSTRAINT "incident_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_event_incident_idx" ON "incident_event" USING btree ("org_id","incident_id","id");--> statement-breakpoint
CREATE INDEX "incident_item_incident_idx" ON "incident_item" USING btree ("org_id","incident_id","step","position");--> statement-breakpoint
CREATE UNIQUE INDEX "incident_scope_key_uq" ON "incident_scope" USING btree ("incident_id","kind","key");--> statement-breakpoint
CREATE INDEX "incident_scope_org_idx" ON "incident_scope" USING btree ("org_id","incident_id");--> statement-breakpoint
CREATE UNIQUE INDEX "incident_org_number_uq" ON "incident" USING btree ("org_id","number");--> statement-breakpoint
CREATE INDEX "incident_org_status_idx" ON "incident" USING btree ("org_id","status","started_at");--> statement-breakpoint
-- The timeline is append-only: no row is ever changed (removal only by the cascade when the
-- incident or its organisation is deleted; the app role has INSERT and SELECT only, app-role.ts).
CREATE OR REPLACE FUNCTION incident_event_refuse_update() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'incident_event is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER incident_event_no_update BEFORE UPDATE ON incident_event FOR EACH ROW EXECUTE FUNCTION incident_event_refuse_update();
