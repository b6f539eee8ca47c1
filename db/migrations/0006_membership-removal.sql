CREATE TABLE "membership_removal" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"email" text NOT NULL,
	"removed_by_user_id" text,
	"removed_by_email" text NOT NULL,
	"removed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "membership_removal" ADD CONSTRAINT "membership_removal_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "membership_removal" ADD CONSTRAINT "membership_removal_removed_by_user_id_user_id_fk" FOREIGN KEY ("removed_by_user_id") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "membership_removal_org_email_uq" ON "membership_removal" USING btree ("org_id","email");--> statement-breakpoint
CREATE INDEX "membership_removal_removed_by_idx" ON "membership_removal" USING btree ("removed_by_user_id");