import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// The platform team's questions on the demo org: which jobs can use NPM_TOKEN and who
// rotates it; which identities and systems the jobs reach; who owns what — and a responder
// setting an owner by hand. Each page passes an axe check; screenshots land in test-results/.

async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/inventory-${name}.png`, fullPage: true });

test("a viewer searches NPM_TOKEN and sees the jobs that use it and who rotates it", async ({ page }) => {
  await signIn(page, "viewer@acme.test");
  await page.goto("/orgs/acme/secrets");
  await expect(page.getByRole("heading", { name: "Secrets and identities" })).toBeVisible();
  await expect(page.getByTestId("secret-row").first()).toBeVisible();
  await expectAccessible(page);
  await shot(page, "secrets");

  const filters = page.getByRole("search", { name: "Filter secrets" });
  await filters.getByLabel("Secret name contains").fill("NPM_TOKEN");
  await filters.getByLabel("Secret name contains").press("Enter");
  await expect(page).toHaveURL(/\/orgs\/acme\/secrets\?q=NPM_TOKEN$/);
  const row = page.locator('[data-testid="secret-row"][data-name="NPM_TOKEN"]');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("organisation");
  await expect(row).toContainText("visibility all");
  await expect(row).toContainText("all 25 repositories");
  await expect(row).toContainText("stale (> 1 year)");
  await expect(row.getByTestId("job-ref").filter({ hasText: "acme/sdk-js" })).toHaveCount(1);
  await expect(row.getByTestId("job-ref").filter({ hasText: "acme/design-system" })).toHaveCount(2);
  await expect(row.getByTestId("owners")).toContainText("@acme/web");
  await shot(page, "secrets-npm-token");

  // With the keyboard only: Tab to the sdk-js job and follow it to the line of its workflow that reads the secret.
  const job = row.getByTestId("job-ref").filter({ hasText: "acme/sdk-js" }).getByRole("link");
  const line = Number(/line (\d+)/.exec((await job.textContent()) ?? "")?.[1]);
  expect(line).toBeGreaterThan(0);
  await row.getByTestId("job-ref").first().getByRole("link").focus();
  for (let i = 0; i < 5 && !(await job.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(job).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/orgs/acme/workflows/[0-9a-f-]{36}#L${line}$`));
  await expect(page.getByText("acme/sdk-js/.github/workflows/publish.yml")).toBeVisible();
  const target = page.locator(`[id="L${line}"]`);
  await expect(target).toBeInViewport();
  await expect(target).toContainText("NPM_TOKEN");
  // Highlighted (next/link navigates with pushState, which never sets :target: LineHighlight marks it).
  await expect(target).toHaveAttribute("data-highlighted", "true");
  await expect(target).toHaveCSS("background-color", await page.evaluate(() => {
    const probe = document.createElement("div");
    probe.className = "data-highlighted:bg-yellow-100";
    probe.setAttribute("data-highlighted", "true");
    document.body.append(probe);
    const color = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return color;
  }));
  await shot(page, "secret-job-workflow-line");
  await page.goBack();

  // A pasted view opens as it was: the stale org secrets.
  await page.goto("/orgs/acme/secrets?scope=org&flag=stale");
  await expect(page.getByLabel("Scope")).toHaveValue("org");
  await expect(page.locator('[data-testid="secret-row"][data-name="DOCKERHUB_TOKEN"]')).toContainText("private and internal repositories");
  await page.goto("/orgs/acme/secrets?flag=missing");
  await expect(page.locator('[data-testid="secret-row"][data-name="FASTLANE_MATCH_PASSWORD"]')).toContainText("referenced but not defined");

  await page.getByRole("navigation", { name: "Secrets or identities" }).getByRole("link", { name: "Identities" }).click();
  await expect(page).toHaveURL(/tab=identities/);
  const aws = page.locator('[data-testid="identity-row"][data-kind="aws-role"]').filter({ hasText: "gh-terraform-apply" });
  await expect(aws).toContainText("OIDC");
  await expect(aws).toContainText("acme/infra");
  await expectAccessible(page);
  await shot(page, "identities");
  await page.goto("/orgs/acme/secrets?q=NPM_TOKEN");
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.screenshot({ path: "test-results/inventory-secrets-npm-token-viewport.png" });
});

test("external systems are grouped by kind with the jobs and credentials that reach them", async ({ page }) => {
  await signIn(page, "viewer@acme.test");
  await page.goto("/orgs/acme/systems");
  await expect(page.getByRole("heading", { name: "External systems", exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: /AWS accounts and roles/ })).toBeVisible();
  const account = page.getByTestId("system-row").filter({ hasText: "210987654321" }).first();
  await expect(account.getByTestId("system-credentials")).toContainText("gh-terraform-apply");
  await expectAccessible(page);
  await shot(page, "systems");

  await page.getByLabel("Kind").selectOption("package-registry");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/group=package-registry/);
  await expect(page.locator('[data-testid="system-row"][data-kind="npm"]').getByTestId("system-credentials")).toContainText("NPM_TOKEN");
});

test("a responder sets an owner by hand; the owners page shows it", async ({ page }) => {
  await signIn(page, "responder@acme.test");
  await page.goto("/orgs/acme/owners");
  await expect(page.getByRole("heading", { name: "Owners", exact: true })).toBeVisible();
  await expectAccessible(page);
  await shot(page, "owners");

  const mobile = page.locator('[data-testid="owner-row"][data-owner="@acme/mobile"]');
  await expect(mobile.getByTestId("owned-secret").filter({ hasText: "FIREBASE_SERVICE_ACCOUNT_JSON" })).toHaveCount(1);
  await mobile.getByRole("button", { name: "Change owner of acme/mobile-app", exact: true }).click();
  const form = mobile.getByRole("form", { name: "Owner of acme/mobile-app" });
  await form.getByLabel("New owner of acme/mobile-app").fill("@acme/mobile-oncall");
  await form.getByRole("button", { name: "Save owner" }).click();
  const oncall = page.locator('[data-testid="owner-row"][data-owner="@acme/mobile-oncall"]');
  await expect(oncall).toContainText("acme/mobile-app");
  await expect(oncall).toContainText("set by hand");
  await expect(oncall.getByTestId("owned-secret").filter({ hasText: "ANDROID_KEYSTORE_PASSWORD" })).toHaveCount(1);
  await shot(page, "owners-after-override");
});

test("a viewer sees owners but cannot change them", async ({ page }) => {
  await signIn(page, "viewer@acme.test");
  await page.goto("/orgs/acme/owners");
  await expect(page.getByTestId("owner-row").first()).toBeVisible();
  await expect(page.getByRole("button", { name: /Change owner/ })).toHaveCount(0);
  const res = await page.request.put("/api/v1/orgs/acme/owners", { data: { targetType: "repository", repoId: crypto.randomUUID(), owner: "@x" } });
  expect(res.status()).toBe(403);
});
