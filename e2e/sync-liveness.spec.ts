import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

// stale-org's sync was running when its process died (scripts/lib/demo-abandoned-sync.ts); the
// server's start-up fails it with the reason, and the sync panel says so.
test("a sync whose process died is failed at the next start-up; the panel shows why, the repositories it left are stale, and Sync now is offered again", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  await page.getByLabel("Organisation").selectOption("stale-org");
  await expect(page).toHaveURL(/\/orgs\/stale-org$/);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Repositories" }).click();

  const run = page.getByTestId("sync-run");
  await expect(run).toContainText("failed");
  await expect(run).toContainText("manual sync by admin@acme.test");
  await expect(run.getByRole("paragraph").filter({ hasText: /^The worker running this sync stopped \(last heartbeat \d+ (s|min) ago\)\. Repositories it had not written keep their previous snapshot\. Start a new sync\.$/ })).toBeVisible();
  await expect(page.getByText(/2 repositories of stale-org.*2 kept their previous snapshot after a failed sync\./)).toBeVisible();
  await expect(page.getByRole("button", { name: "Sync now" })).toBeEnabled();
});
