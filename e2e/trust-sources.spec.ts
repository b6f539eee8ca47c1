import { expect, test } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";
import { signIn } from "./helpers";

// An admin uploads acme's AWS account export (lib/trust-sources/testdata): three roles that trust
// GitHub — gh-api-deploy by api's production environment, gh-search-ecs-deploy by repo:acme/*,
// gh-terraform-apply by audience only — and sees the over-broad role flagged with the jobs that
// could assume it but never name it.
const EXPORT = "lib/trust-sources/testdata/acme-aws-authorization-details.json";

test("an admin uploads an AWS export and sees the over-broad role with the jobs that could use it", async ({ page }) => {
  const name = `AWS production ${Date.now()}`;
  await signIn(page, "admin@acme.test");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Cloud trust" }).click();
  await expect(page.getByRole("heading", { name: "Cloud trust sources" })).toBeVisible();

  const add = page.getByRole("form", { name: "Add a trust source" });
  await add.getByLabel("Name", { exact: true }).fill(name);
  await add.getByLabel("Provider").selectOption("aws");
  await add.getByLabel(/Export \(JSON/).setInputFiles(EXPORT);
  await add.getByRole("button", { name: "Upload and evaluate" }).click();
  await expect(page.getByRole("status")).toContainText(`${name} added: 3 trust(s) read from acme-aws-authorization-details.json`);
  await expect(page.locator(`[data-testid="trust-source"][data-name="${name}"]`)).toContainText("read");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Cloud trust" }).click();
  await expect(page.getByRole("heading", { name: "Cloud trust", exact: true })).toBeVisible();
  // The role any repository can assume comes first.
  await expect(page.getByTestId("trust-row").first()).toHaveAttribute("data-name", "gh-terraform-apply");
  const broad = page.locator('[data-testid="trust-row"][data-name="gh-search-ecs-deploy"]');
  await expect(broad).toContainText("trust-broader-than-use");
  await expect(broad.getByTestId("could-use")).toContainText("over-broad");
  await expect(page.locator('[data-testid="trust-row"][data-name="gh-api-deploy"]').getByTestId("could-use")).toHaveText("0");

  await broad.getByRole("link", { name: "gh-search-ecs-deploy" }).click();
  await expect(page.getByRole("heading", { name: "gh-search-ecs-deploy" })).toBeVisible();
  const uses = page.getByRole("region", { name: /Jobs that use it/ });
  await expect(uses.getByTestId("trust-job")).toHaveCount(1);
  await expect(uses.getByTestId("trust-job")).toHaveAttribute("data-job", "acme/search-service:deploy");
  const could = page.getByRole("region", { name: /Jobs that could use it but do not/ });
  await expect(could.locator('[data-job="acme/api:image"]')).toBeVisible();
  await expect(could.locator('[data-job="acme/infra:apply"]')).toBeVisible();
  await expect(page.locator('[data-testid="trust-finding"][data-rule="trust-broader-than-use"]')).toContainText("Fix: Narrow the trust");
  await expect(page.getByText("StringLike sub")).toBeVisible();

  // Its blast radius: every job that can present a token it accepts, and what the role can do.
  await page.getByTestId("trust-blast-radius").click();
  await expect(page).toHaveURL(/\/orgs\/acme\/blast-radius\?type=trust&id=/);
  await expect(page.locator('[data-testid="blast-job"]').filter({ hasText: /acme\/search-service · \S+ · deploy/ })).toBeVisible();
  await expect(page.locator('[data-testid="blast-job"]').filter({ hasText: "acme/api · .github/workflows/deploy.yml · image" })).toBeVisible();
  const reached = page.getByTestId("blast-trust").filter({ hasText: "gh-search-ecs-deploy" });
  await expect(reached).toContainText("account 210987654321");
  await expect(reached.getByTestId("blast-trust-permissions")).toContainText("AmazonECS_FullAccess (AWS managed)");
  await expect(page.getByTestId("blast-trust-graph")).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations.map((v) => `${v.id} ${v.nodes[0]?.target.join(" ")}`)).toEqual([]);
  await page.goBack();

  // A job links to its workflow's page, whose blast radius reaches the roles its jobs can assume.
  await could.locator('[data-job="acme/api:image"]').getByRole("link").click();
  await expect(page).toHaveURL(/\/orgs\/acme\/workflows\//);
  await page.getByRole("main").getByRole("link", { name: "Blast radius" }).click();
  await expect(page.getByTestId("blast-trust").filter({ hasText: "gh-api-deploy" })).toContainText("1 uses it");
  await expect(page.getByTestId("blast-trust").filter({ hasText: "gh-search-ecs-deploy" })).toContainText("over-broad");
});
