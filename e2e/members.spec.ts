import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

test("an admin adds a member, changes their role, and the audit log shows both", async ({ page }) => {
  const email = `new-${Date.now()}@acme.test`;
  await signIn(page, "admin@acme.test");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Members" }).click();
  await expect(page.getByRole("heading", { name: "Members", exact: true })).toBeVisible();

  const add = page.getByRole("form", { name: "Add a member" });
  await add.getByLabel("Email").fill(email);
  await add.getByLabel("Role").selectOption("viewer");
  await add.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByRole("status")).toHaveText(`${email} added as Viewer.`);

  const row = page.locator(`[data-testid="member-row"][data-email="${email}"]`);
  await expect(row).toContainText("has not signed in yet");
  await row.getByLabel(`Role of ${email}`).selectOption("responder");
  await expect(page.getByRole("status")).toHaveText(`${email} is now Responder.`);

  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Audit log" }).click();
  const rows = page.getByTestId("audit-row");
  await expect(rows.first()).toContainText(`changed ${email} from viewer to responder`);
  await expect(rows.nth(1)).toContainText(`added ${email} as viewer`);
  await expect(rows.first()).toContainText("admin@acme.test");

  await page.getByLabel("Action").selectOption("member.add");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=member.add/);
  await expect(rows.first()).toContainText(`added ${email} as viewer`);
  await expect(page.getByText(`changed ${email}`)).toHaveCount(0);
});

test("the last admin cannot be removed or demoted", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  await page.goto("/orgs/acme/settings/members");
  const row = page.locator('[data-testid="member-row"][data-email="admin@acme.test"]');
  page.once("dialog", (d) => void d.accept());
  await row.getByRole("button", { name: "Remove admin@acme.test" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "An organisation needs at least one admin" })).toBeVisible();
  await expect(row).toBeVisible();
  await row.getByLabel("Role of admin@acme.test").selectOption("viewer");
  await expect(page.getByRole("alert").filter({ hasText: "An organisation needs at least one admin" })).toBeVisible();
  await expect(row.getByLabel("Role of admin@acme.test")).toHaveValue("admin");
});
