import { expect, test } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";
import { signIn } from "./helpers";

// Settings → Pipelines on the demo stack: acme's Buildkite organization and cluster acme-prod
// were added from the server's environment and read by the start-up sync (scripts/lib/demo-pipelines.ts);
// an admin adding a Buildkite organization with a wrong token sees what to do.
const BUILDKITE_SIM = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 4}`;

test("an admin sees acme's Buildkite organization and cluster read, and a wrong token's message", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Pipelines" }).click();
  await expect(page.getByRole("heading", { name: "Pipeline sources" })).toBeVisible();

  const buildkite = page.locator('[data-testid="pipeline-source"][data-name="Buildkite: acme"]');
  await expect(buildkite).toContainText("read ok");
  await expect(buildkite).toContainText("credentials from the server's environment");
  await expect(buildkite).toContainText("write access: yes");
  await expect(buildkite.getByTestId("pipeline-source-summary")).toContainText("organization Acme");
  await expect(buildkite.getByTestId("pipeline-source-summary")).toContainText("4 pipeline(s)");
  await expect(buildkite.getByTestId("pipeline-source-summary")).toContainText("1 pipeline(s) building fork pull requests");
  await expect(buildkite.getByTestId("pipeline-source-summary")).toContainText("teams read");

  const cluster = page.locator('[data-testid="pipeline-source"][data-name="Cluster: acme-prod"]');
  await expect(cluster).toContainText("read ok");
  await expect(cluster.getByTestId("pipeline-source-summary")).toContainText(/\d+ service account\(s\)/);
  await expect(cluster.getByTestId("pipeline-source-summary")).toContainText(/[1-9]\d* with cluster-admin/);
  await expect(cluster.getByTestId("pipeline-source-summary")).toContainText("acme-ci");
  await expect(page.getByTestId("reader-cluster-role")).toContainText("name: gatehouse-reader");

  const name = `Buildkite wrong token ${Date.now()}`;
  const add = page.getByRole("form", { name: "Add a pipeline source" });
  await add.getByLabel("Name", { exact: true }).fill(name);
  await add.getByLabel("System").selectOption("buildkite");
  await add.getByLabel("Organization slug").fill("acme");
  await add.getByLabel("API URL (optional)").fill(BUILDKITE_SIM);
  await add.getByLabel("API access token", { exact: true }).fill("bkua_not_a_token");
  await add.getByRole("button", { name: "Add and read" }).click();
  await expect(page.getByRole("alert").filter({ hasText: name })).toContainText(`${name} added, but its first read failed: Buildkite refused the API access token`);
  const failed = page.locator(`[data-testid="pipeline-source"][data-name="${name}"]`);
  await expect(failed).toContainText("read failed");
  await expect(failed.getByTestId("pipeline-source-error")).toContainText("remove it and add it again");
  await expect(failed).not.toContainText("bkua_not_a_token");
  expect((await new AxeBuilder({ page }).analyze()).violations.map((v) => `${v.id} ${v.nodes[0]?.target.join(" ")}`)).toEqual([]);

  page.once("dialog", (d) => void d.accept());
  await failed.getByRole("button", { name: "Remove" }).click();
  await expect(page.getByRole("status")).toContainText(`${name} removed.`);
  await expect(failed).toHaveCount(0);
});
