CREATE TABLE "broadest_snapshot" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"version" text NOT NULL,
	"list" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "broadest_snapshot" ADD CONSTRAINT "broadest_snapshot_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;