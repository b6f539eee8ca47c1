CREATE TABLE "pipeline_containment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"incident_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"plan" jsonb NOT NULL,
	"applied_at" timestamp with time zone NOT NULL,
	"applied_by" text NOT NULL,
	"outcome" text NOT NULL,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pipeline_source" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"credentials_sealed" text,
	"credentials_from" text DEFAULT 'none' NOT NULL,
	"responder_credentials_sealed" text,
	"responder_credentials_from" text DEFAULT 'none' NOT NULL,
	"status" text DEFAULT 'never' NOT NULL,
	"status_message" text,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"snapshot" jsonb,
	"findings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_read_at" timestamp with time zone,
	"last_good_read_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "pipeline_containment" ADD CONSTRAINT "pipeline_containment_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_containment" ADD CONSTRAINT "pipeline_containment_incident_id_incident_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incident"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_containment" ADD CONSTRAINT "pipeline_containment_item_id_incident_item_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."incident_item"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_source" ADD CONSTRAINT "pipeline_source_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pipeline_containment_item_idx" ON "pipeline_containment" USING btree ("org_id","item_id");--> statement-breakpoint
CREATE INDEX "pipeline_containment_source_idx" ON "pipeline_containment" USING btree ("org_id","source_id");--> statement-breakpoint
CREATE UNIQUE INDEX "pipeline_source_org_name_uq" ON "pipeline_source" USING btree ("org_id","name");--> statement-breakpoint
CREATE INDEX "pipeline_source_org_idx" ON "pipeline_source" USING btree ("org_id","kind");