import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

test("platform journey: which jobs use NPM_TOKEN, what can they publish, who rotates it", async ({ page }) => {
  await signIn(page, "viewer@acme.test");
  await expect(page.getByTestId("risky-credential").first()).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Workflows" }).click();
  await page.getByLabel("Uses secret").fill("NPM_TOKEN");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/secret=NPM_TOKEN/);
  const rows = page.getByTestId("workflow-row");
  await expect(rows.first()).toBeVisible();
  const count = await rows.count();
  expect(count).toBeGreaterThanOrEqual(2);
  for (let i = 0; i < count; i++) await expect(rows.nth(i)).toContainText("NPM_TOKEN");

  // Follow one to its workflow: the job shows the secret, and a finding's line is marked in the source.
  await rows.filter({ hasText: "acme/sdk-js" }).getByRole("link").first().click();
  await expect(page.getByTestId("job-secret").filter({ hasText: "NPM_TOKEN" }).first()).toBeVisible();
  const finding = page.getByTestId("finding").first();
  await expect(finding).toBeVisible();
  const line = (await finding.getByRole("link", { name: /line \d+/ }).textContent())!.replace("line ", "");
  await expect(page.locator(`[data-testid="marked-line"][data-line="${line}"]`)).toBeVisible();

  // The secret's blast radius: what it can publish and who rotates it.
  await page.goto("/orgs/acme/blast-radius?type=secret&id=NPM_TOKEN");
  await expect(page.getByTestId("blast-system").filter({ hasText: "npm" }).first()).toContainText("publish");
  await expect(page.getByTestId("blast-credential").filter({ hasText: "NPM_TOKEN" }).first()).toContainText(/@acme\//);
  await expect(page.getByTestId("blast-graph")).toBeVisible();
});

test("the blast radius of an action reference lists the jobs that run it", async ({ page }) => {
  await signIn(page, "responder@acme.test");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Blast radius" }).click();
  await page.getByLabel("Kind").selectOption("action");
  await page.getByLabel("Name or reference").fill("aws-actions/configure-aws-credentials");
  await page.getByRole("button", { name: "Show blast radius" }).click();
  await expect(page).toHaveURL(/type=action&id=aws-actions%2Fconfigure-aws-credentials/);
  await expect(page.getByTestId("blast-job").first()).toBeVisible();
  await expect(page.getByTestId("blast-system").filter({ hasText: "aws-account" }).first()).toBeVisible();

  await page.getByLabel("Name or reference").fill("nobody/nothing@v0");
  await page.getByRole("button", { name: "Show blast radius" }).click();
  await expect(page.getByText(/Nothing in acme matches this action/)).toBeVisible();
});

test("export of a filtered view as CSV has the inventory columns and only matching rows", async ({ page }) => {
  await signIn(page, "viewer@acme.test");
  const res = await page.request.get("/api/v1/orgs/acme/export?format=csv&secret=NPM_TOKEN");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-disposition"]).toMatch(/attachment; filename="gatehouse-acme-inventory-\d{4}-\d{2}-\d{2}\.csv"/);
  const lines = (await res.text()).trim().split("\r\n");
  expect(lines[0]).toBe("Workflow,Secrets or identities,External systems,Rotation owner,CI system");
  expect(lines.length).toBeGreaterThanOrEqual(3);
  for (const l of lines.slice(1)) expect(l).toContain("secret NPM_TOKEN");
  expect(lines.some((l) => l.startsWith("acme/sdk-js/.github/workflows/publish.yml") && l.endsWith(",github-actions"))).toBe(true);
});

test("inventory pages pass an accessibility check", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  for (const path of ["/orgs/acme", "/orgs/acme/workflows", "/orgs/acme/blast-radius?type=secret&id=NPM_TOKEN", "/orgs/acme/repositories"]) {
    await page.goto(path);
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${path}: ${v.id} ${v.nodes[0]?.target.join(" ")}`)).toEqual([]);
  }
});

test("the Workflows view works from the keyboard alone: search, apply, open a workflow", async ({ page }) => {
  await signIn(page, "viewer@acme.test");
  await page.goto("/orgs/acme/workflows");
  const focusedIs = (name: string) => page.evaluate((n) => (document.activeElement as HTMLInputElement | null)?.name === n, name);
  // From the top of the page, Tab reaches the search field (skip link, navigation, then the filters).
  for (let i = 0; i < 40 && !(await focusedIs("q")); i++) await page.keyboard.press("Tab");
  expect(await focusedIs("q")).toBe(true);
  await page.keyboard.type("sdk-js");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]q=sdk-js/);
  const rows = page.getByTestId("workflow-row");
  await expect(rows.first()).toBeVisible();
  for (let i = 0; i < (await rows.count()); i++) await expect(rows.nth(i)).toContainText("acme/sdk-js");
  // Tab on to the first row's workflow link and open it with Enter.
  const link = rows.first().getByRole("link").first();
  const href = await link.getAttribute("href");
  for (let i = 0; i < 40 && !(await link.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(link).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await expect(page.getByRole("heading", { name: "Source" })).toBeVisible();
});

// Last in this file: it changes the demo org (renames acme/docs' changelog.yml, drops the deploy
// job of its pages.yml, deletes acme/web's preview.yml); only specs that do not read the
// inventory run after it.
test("a workflow's old address says where it went: moved (with a link) or deleted, not a bare 404", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "viewer@acme.test");
  const workflowId = async (repo: string, path: string) => {
    const res = await page.request.get(`/api/v1/orgs/acme/workflows?q=${encodeURIComponent(repo)}&size=100`);
    const body = (await res.json()) as { data: { rows: { id: string; repository: string; path: string }[] } };
    return body.data.rows.find((r) => r.repository === repo && r.path === path)?.id;
  };
  const changelog = (await workflowId("acme/docs", ".github/workflows/changelog.yml"))!;
  const preview = (await workflowId("acme/web", ".github/workflows/preview.yml"))!;
  const pages = (await workflowId("acme/docs", ".github/workflows/pages.yml"))!;
  expect(changelog && preview && pages).toBeTruthy();
  // A job's address (from a blast radius): its workflow's page with that job highlighted.
  const jobLink = async (workflow: string, job: string) => {
    await page.goto(`/orgs/acme/blast-radius?type=workflow&id=${workflow}`);
    const link = page.getByTestId("blast-job").filter({ hasText: ` · ${job}` }).getByRole("link");
    const href = (await link.getAttribute("href"))!;
    await link.click();
    await expect(page.getByTestId("job-card").filter({ hasText: job }).first()).toHaveAttribute("aria-current", "true");
    return { href, id: new URL(href, "http://x").searchParams.get("job")! };
  };
  const deployJob = await jobLink(pages, "deploy");
  const previewJob = await jobLink(preview, "build");

  // Pushes through the GitHub simulator: its push webhooks make Gatehouse re-sync the two repositories.
  const sim = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 2}/_sim/orgs/acme/repos`;
  const fixture = (path: string) => readFileSync(fileURLToPath(new URL(`../sim/fixtures/acme/repos/docs/${path}`, import.meta.url)), "utf8");
  const files = {
    ".github/workflows/changelog.yml": null,
    ".github/workflows/weekly-changelog.yml": fixture(".github/workflows/changelog.yml"),
    ".github/workflows/pages.yml": fixture(".github/workflows/pages.yml").replace(/\n  deploy:\n[\s\S]*$/, "\n"),
  };
  const docsPush = await page.request.post(`${sim}/docs/files`, { data: { files, message: "Rename changelog workflow, deploy pages elsewhere" } });
  expect(docsPush.status()).toBe(200);
  const remove = await page.request.post(`${sim}/web/files`, { data: { files: { ".github/workflows/preview.yml": null }, message: "Drop previews" } });
  expect(remove.status()).toBe(200);

  await expect(async () => {
    await page.goto(`/orgs/acme/workflows/${changelog}`);
    await expect(page.getByRole("heading", { name: "This workflow moved" })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  const gone = page.getByTestId("workflow-gone");
  await expect(gone).toContainText("This workflow was moved to .github/workflows/weekly-changelog.yml in acme/docs at the sync of");
  await expect(gone).toContainText("last seen at the sync of");
  await page.screenshot({ path: "test-results/workflow-moved.png", fullPage: true });
  await page.getByTestId("moved-to").click();
  await expect(page.getByRole("heading", { name: "Update changelog" })).toBeVisible();
  await expect(page.getByText("acme/docs/.github/workflows/weekly-changelog.yml")).toBeVisible();

  await expect(async () => {
    await page.goto(`/orgs/acme/workflows/${preview}`);
    await expect(page.getByRole("heading", { name: "This workflow was deleted" })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByTestId("workflow-gone")).toContainText(/This workflow was deleted from acme\/web at the sync of \d{4}-\d\d-\d\d \d\d:\d\d UTC \(last seen at the sync of/);
  await page.screenshot({ path: "test-results/workflow-deleted.png", fullPage: true });
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id} ${v.nodes[0]?.target.join(" ")}`)).toEqual([]);

  // The blast radius of the old id says the same instead of "nothing matches".
  await page.goto(`/orgs/acme/blast-radius?type=workflow&id=${preview}`);
  await expect(page.getByTestId("blast-gone")).toContainText("This workflow acme/web/.github/workflows/preview.yml was deleted at the sync of");
  await page.goto(`/orgs/acme/blast-radius?type=job&id=${previewJob.id}`);
  await expect(page.getByTestId("blast-gone")).toContainText("This job (build) no longer exists: it was removed at the sync of");
  await page.goto(previewJob.href);
  await expect(page.getByTestId("workflow-gone")).toContainText("Its job build went with it.");

  // A job key that left a workflow still there: the workflow's page says so at the job's old address.
  await page.goto(deployJob.href);
  await expect(page.getByTestId("job-gone")).toContainText("The job deploy no longer exists in this workflow: it was removed at the sync of");
  await expect(page.getByTestId("job-card")).toHaveCount(1);

  // An id that never was a workflow is still simply not found.
  const missing = await page.goto(`/orgs/acme/workflows/00000000-0000-4000-8000-000000000000`);
  expect(missing?.status()).toBe(404);
});
