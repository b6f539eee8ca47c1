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
  expect(lines[0]).toBe("Workflow,Secrets or identities,External systems,Rotation owner");
  expect(lines.length).toBeGreaterThanOrEqual(3);
  for (const l of lines.slice(1)) expect(l).toContain("secret NPM_TOKEN");
  expect(lines.some((l) => l.startsWith("acme/sdk-js/.github/workflows/publish.yml"))).toBe(true);
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
