CREATE TABLE "report_webhook" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"url_encrypted" text NOT NULL,
	"url_hint" text NOT NULL,
	"on_sign_off" boolean DEFAULT true NOT NULL,
	"weekly" boolean DEFAULT false NOT NULL,
	"configured_by" text NOT NULL,
	"configured_at" timestamp with time zone NOT NULL,
	"last_status" text,
	"last_message" text,
	"last_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "report_webhook" ADD CONSTRAINT "report_webhook_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;