import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

test("shots", async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await signIn(page, "admin@acme.test");
  await page.goto("/orgs/acme/settings/cloud-trust");
  const add = page.getByRole("form", { name: "Add a trust source" });
  await add.getByLabel("Name", { exact: true }).fill(`AWS shots ${Date.now()}`);
  await add.getByLabel("Provider").selectOption("aws");
  await add.getByLabel(/Export \(JSON/).setInputFiles("lib/trust-sources/testdata/acme-aws-authorization-details.json");
  await add.getByRole("button", { name: "Upload and evaluate" }).click();
  await expect(page.getByRole("status")).toContainText("added");
  await page.goto("/orgs/acme/trusts");
  await page.locator('[data-testid="trust-row"][data-name="gh-search-ecs-deploy"]').first().getByRole("link", { name: "gh-search-ecs-deploy" }).click();
  await page.getByTestId("trust-blast-radius").click();
  await expect(page.getByTestId("blast-trust-graph")).toBeVisible();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: "/work/shots/blasttrust-trust-target.png", fullPage: true });
  await page.goto("/orgs/acme/trusts");
  await page.locator('[data-testid="trust-row"][data-name="gh-api-deploy"]').first().getByRole("link", { name: "gh-api-deploy" }).click();
  await page.locator('[data-job="acme/api:image"]').first().getByRole("link").click();
  await page.waitForURL(/\/workflows\//);
  await page.getByRole("main").getByRole("link", { name: "Blast radius" }).click();
  await expect(page.getByTestId("blast-trust-graph")).toBeVisible();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: "/work/shots/blasttrust-workflow.png", fullPage: true });
  await page.getByTestId("blast-trust-graph").screenshot({ path: "/work/shots/blasttrust-workflow-graph.png" });
});
