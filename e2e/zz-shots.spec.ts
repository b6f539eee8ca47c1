import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

test("shots", async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await signIn(page, "admin@acme.test");
  await page.goto("/orgs/acme/trusts");
  await expect(page.getByRole("heading", { name: "Cloud trust", exact: true })).toBeVisible();
  await page.screenshot({ path: "/work/shots/demotrust-trusts.png", fullPage: true });
  await page.locator('[data-testid="trust-row"][data-name="acme org"]').getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "acme org" })).toBeVisible();
  await page.screenshot({ path: "/work/shots/demotrust-gcp-trust.png", fullPage: true });
  await page.goto("/orgs/acme/trusts");
  await page.locator('[data-testid="trust-row"][data-name="legacy-billing (retired)"]').getByRole("link").first().click();
  await page.screenshot({ path: "/work/shots/demotrust-gcp-legacy.png", fullPage: true });
  await page.goto("/orgs/acme/settings/cloud-trust");
  await page.screenshot({ path: "/work/shots/demotrust-settings.png", fullPage: true });
});
