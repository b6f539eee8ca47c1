CREATE TABLE "trust_revocation" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"incident_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"trust_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"external_id" text NOT NULL,
	"trust_name" text NOT NULL,
	"mode" text NOT NULL,
	"plan" jsonb NOT NULL,
	"applied_at" timestamp with time zone NOT NULL,
	"applied_by" text NOT NULL,
	"verified" boolean DEFAULT false NOT NULL,
	"verified_at" timestamp with time zone,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"restored_at" timestamp with time zone,
	"restored_by" text,
	"restore_evidence" jsonb
);
--> statement-breakpoint
ALTER TABLE "trust_source" ADD COLUMN "responder_credentials_sealed" text;--> statement-breakpoint
ALTER TABLE "trust_source" ADD COLUMN "responder_credentials_from" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "trust_revocation" ADD CONSTRAINT "trust_revocation_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trust_revocation" ADD CONSTRAINT "trust_revocation_incident_id_incident_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incident"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trust_revocation" ADD CONSTRAINT "trust_revocation_item_id_incident_item_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."incident_item"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "trust_revocation_item_idx" ON "trust_revocation" USING btree ("org_id","item_id");--> statement-breakpoint
CREATE INDEX "trust_revocation_source_idx" ON "trust_revocation" USING btree ("org_id","source_id");