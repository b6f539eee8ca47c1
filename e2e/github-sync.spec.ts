import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

test("an admin connects the GitHub App, presses Sync now, watches progress and sees the repositories", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  await page.getByLabel("Organisation").selectOption("test-org");
  await expect(page).toHaveURL(/\/orgs\/test-org$/);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Repositories" }).click();
  await expect(page.getByText("test-org is not connected to GitHub yet.")).toBeVisible();
  await page.getByRole("link", { name: "Connect it" }).click();

  await expect(page.getByRole("heading", { name: "GitHub", exact: true })).toBeVisible();
  // Only this organisation's installation is listed: the App is installed on acme too, never shown here.
  const rows = page.getByTestId("installation-row");
  await expect(rows).toHaveCount(1);
  await expect(page.getByRole("main")).not.toContainText("acme");
  const mine = rows.filter({ hasText: "test-org" });
  await expect(mine).toContainText("all the sync needs");
  await mine.getByRole("button", { name: "Connect" }).click();

  await expect(page.getByText(/Connected to test-org through installation/)).toBeVisible();
  await expect(page.getByTestId("permission-row").first()).toBeVisible();
  await page.getByRole("button", { name: "Sync now" }).click();
  const run = page.getByTestId("sync-run");
  await expect(run).toContainText("manual sync by admin@acme.test");
  await expect(run).toContainText("succeeded", { timeout: 30_000 });
  await expect(page.getByTestId("sync-progress")).toHaveText(/^(\d+) \/ \1 repositories$/);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Repositories" }).click();
  await expect(page.getByTestId("repository-row").first()).toBeVisible();
  expect(await page.getByTestId("repository-row").count()).toBeGreaterThanOrEqual(3);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByTestId("audit-row").first()).toContainText("sync.start");
  await expect(page.getByTestId("audit-row").nth(1)).toContainText("connection.connect");
});

test("the demo org opens on an inventory synced at start, and a viewer can read it but not sync", async ({ page }) => {
  await signIn(page, "viewer@acme.test");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Repositories" }).click();
  await expect(page.getByRole("heading", { name: "Repositories" })).toBeVisible();
  await expect(page.getByText(/25 repositories of acme/)).toBeVisible();
  await expect(page.getByTestId("sync-run")).toContainText("startup sync");
  await expect(page.getByRole("button", { name: "Sync now" })).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" })).toHaveCount(0);
  // As the app's own pages would send it (same origin, JSON): refused for the role, not the origin.
  const res = await page.request.post("/api/v1/orgs/acme/sync-runs", { headers: { origin: new URL(page.url()).origin }, data: {} });
  expect(res.status()).toBe(403);
  expect(((await res.json()) as { error: { message: string } }).error.message).toContain("Your role (Viewer) does not allow this");
});
