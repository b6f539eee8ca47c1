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

test("another site cannot add a member with an admin's session; the attempt is in the audit log", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  const origin = new URL(page.url()).origin;
  const email = `csrf-${Date.now()}@acme.test`;
  // The demo's attack: a form another site posts, the input in the query string.
  const attack = await page.request.post(`/api/v1/orgs/acme/members?${new URLSearchParams({ email, role: "admin" })}`, {
    headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
    data: "",
  });
  expect(attack.status()).toBe(403);
  // The same origin with a form body: 415. A script that sends Origin and JSON: accepted.
  const form = await page.request.post("/api/v1/orgs/acme/members", { headers: { origin, "content-type": "application/x-www-form-urlencoded" }, data: `email=${email}&role=admin` });
  expect(form.status()).toBe(415);
  const script = `script-${Date.now()}@acme.test`;
  expect((await page.request.post("/api/v1/orgs/acme/members", { headers: { origin }, data: { email: script, role: "viewer" } })).status()).toBe(201);

  await page.goto("/orgs/acme/settings/members");
  await expect(page.locator(`[data-testid="member-row"][data-email="${script}"]`)).toBeVisible();
  await expect(page.locator(`[data-testid="member-row"][data-email="${email}"]`)).toHaveCount(0);
  await page.goto("/orgs/acme/settings/audit?outcome=denied");
  await expect(page.getByTestId("audit-row").first()).toContainText("was refused: sent from https://evil.example, not from Gatehouse's own pages");
});
