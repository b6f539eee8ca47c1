CREATE TABLE "owner_override" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"target_type" text NOT NULL,
	"target_key" text NOT NULL,
	"owner" text NOT NULL,
	"set_by" text NOT NULL,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "owner_override" ADD CONSTRAINT "owner_override_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "owner_override_target_uq" ON "owner_override" USING btree ("org_id","target_type","target_key");--> statement-breakpoint
CREATE INDEX "owner_override_org_owner_idx" ON "owner_override" USING btree ("org_id","owner");