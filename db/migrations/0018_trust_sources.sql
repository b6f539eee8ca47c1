CREATE TABLE "trust_match" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"trust_id" uuid NOT NULL,
	"job_id" uuid,
	"repo" text NOT NULL,
	"workflow_path" text NOT NULL,
	"job_key" text NOT NULL,
	"sub" text NOT NULL,
	"decision" text NOT NULL,
	"uses" boolean
);
--> statement-breakpoint
CREATE TABLE "trust_source" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"credentials_sealed" text,
	"credentials_from" text DEFAULT 'none' NOT NULL,
	"export_name" text,
	"export_text" text,
	"status" text DEFAULT 'never' NOT NULL,
	"status_message" text,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_read_at" timestamp with time zone,
	"last_good_read_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trust" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"document" jsonb NOT NULL,
	"details" jsonb,
	"read_at" timestamp with time zone NOT NULL,
	"outside_tokens" text,
	"findings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"evaluated_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "trust_match" ADD CONSTRAINT "trust_match_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trust_match" ADD CONSTRAINT "trust_match_trust_id_trust_id_fk" FOREIGN KEY ("trust_id") REFERENCES "public"."trust"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trust_match" ADD CONSTRAINT "trust_match_job_id_job_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."job"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trust_source" ADD CONSTRAINT "trust_source_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trust" ADD CONSTRAINT "trust_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trust" ADD CONSTRAINT "trust_source_id_trust_source_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."trust_source"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "trust_match_trust_idx" ON "trust_match" USING btree ("trust_id");--> statement-breakpoint
CREATE INDEX "trust_match_job_idx" ON "trust_match" USING btree ("job_id");--> statement-breakpoint
CREATE UNIQUE INDEX "trust_source_org_name_uq" ON "trust_source" USING btree ("org_id","name");--> statement-breakpoint
CREATE INDEX "trust_source_org_idx" ON "trust_source" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "trust_source_external_uq" ON "trust" USING btree ("source_id","external_id");--> statement-breakpoint
CREATE INDEX "trust_org_provider_idx" ON "trust" USING btree ("org_id","provider","external_id");