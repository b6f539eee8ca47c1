CREATE INDEX "finding_open_repo_path_idx" ON "finding" USING btree ("org_id","repo_id","path","severity") WHERE fixed_at is null;--> statement-breakpoint
CREATE INDEX "job_secret_org_upper_name_idx" ON "job_secret" USING btree ("org_id",upper("secret_name"));--> statement-breakpoint
CREATE INDEX "job_org_phase_workflow_idx" ON "job" USING btree ("org_id","phase","workflow_id");--> statement-breakpoint
CREATE INDEX "job_uses_gin" ON "job" USING gin ("uses" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "job_org_calls_workflow_idx" ON "job" USING btree ("org_id",("calls"->>'workflow'));--> statement-breakpoint
CREATE INDEX "repository_org_full_name_idx" ON "repository" USING btree ("org_id","full_name");--> statement-breakpoint
CREATE INDEX "repository_org_removed_idx" ON "repository" USING btree ("org_id") WHERE removed_at is not null;--> statement-breakpoint
CREATE INDEX "workflow_org_repo_idx" ON "workflow" USING btree ("org_id","repo_id");--> statement-breakpoint
CREATE INDEX "workflow_org_path_idx" ON "workflow" USING btree ("org_id","path");--> statement-breakpoint
CREATE INDEX "workflow_triggers_gin" ON "workflow" USING gin ("triggers");