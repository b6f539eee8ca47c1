import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

const USERS = [
  { email: "admin@acme.test", role: "Admin", adminNav: true },
  { email: "responder@acme.test", role: "Responder", adminNav: false },
  { email: "viewer@acme.test", role: "Viewer", adminNav: false },
] as const;

for (const u of USERS) {
  test(`${u.email} signs in and sees what the ${u.role} role allows`, async ({ page }) => {
    await signIn(page, u.email);
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Overview" })).toBeVisible();
    await expect(page.getByText(/^GitHub organisation acme · your role:/)).toContainText(u.role);
    await expect(page.getByTestId("count-tile").first()).toBeVisible();
    if (u.adminNav) {
      await nav.getByRole("link", { name: "Settings" }).click();
      const settings = page.getByRole("navigation", { name: "Settings" });
      await expect(settings.getByRole("link", { name: "Members" })).toBeVisible();
      await expect(settings.getByRole("link", { name: "Audit log" })).toBeVisible();
      await expect(settings.getByRole("link", { name: "GitHub" })).toBeVisible();
      await page.goto("/orgs/acme");
      await expect(page.getByRole("heading", { name: "Recent activity" })).toBeVisible();
    } else {
      await expect(nav.getByRole("link", { name: "Settings" })).toHaveCount(0);
      await expect(page.getByText("The audit log is visible to admins.")).toBeVisible();
    }
  });
}

test("a wrong password is refused by the identity provider with a clear message", async ({ page }) => {
  await page.goto("/signin");
  await page.getByRole("button", { name: /Continue with Acme SSO/ }).click();
  await page.getByLabel("Email").fill("viewer@acme.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("Unknown email or wrong password.");
});

test("a viewer cannot reach the admin pages or the admin API", async ({ page }) => {
  await signIn(page, "viewer@acme.test");
  for (const path of ["/orgs/acme/settings/members", "/orgs/acme/settings/audit"]) {
    const res = await page.goto(path);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  }
  const api = await page.request.get("/api/v1/orgs/acme/members");
  expect(api.status()).toBe(403);
  expect((await api.json()).error.code).toBe("forbidden");
});

test("another organisation answers not found, and the org list holds only the caller's", async ({ page }) => {
  await signIn(page, "responder@acme.test");
  const res = await page.goto("/orgs/globex");
  expect(res?.status()).toBe(404);
  const orgs = await page.request.get("/api/v1/orgs");
  expect(await orgs.json()).toEqual({ ok: true, data: [{ slug: "acme", name: "Acme Corp", role: "responder" }] });
});

test("sign-out ends the session", async ({ page }) => {
  await signIn(page, "viewer@acme.test");
  await page.getByTestId("user-email").click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByText("You are signed out.")).toBeVisible();
  await page.goto("/orgs/acme");
  await expect(page).toHaveURL(/\/signin/);
  const api = await page.request.get("/api/v1/orgs");
  expect(api.status()).toBe(401);
});

test("a signed-in user is never sent off the site by the sign-in page's callbackUrl", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  // Were the redirect to leave the site, the browser would land here instead of failing on DNS.
  await page.route((url) => url.hostname === "evil.example", (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<h1>Phished</h1>" }));
  await signIn(page, "viewer@acme.test");
  for (const callback of ["/\\evil.example", "/\\/evil.example", "//evil.example", "/\t/evil.example", "https://evil.example/", "javascript:alert(1)"]) {
    const query = `/signin?callbackUrl=${encodeURIComponent(callback)}`;
    // What the server answers (the Location a browser would follow) …
    const res = await page.request.get(query, { maxRedirects: 0 });
    expect(res.status(), callback).toBeGreaterThanOrEqual(300);
    expect(new URL(res.headers().location!, origin).origin, `Location for ${JSON.stringify(callback)}`).toBe(origin);
    // … and where the browser really ends up.
    await page.goto(query);
    expect(new URL(page.url()).origin, `browser after ${JSON.stringify(callback)}`).toBe(origin);
    await expect(page.getByRole("heading", { name: "Phished" })).toHaveCount(0);
  }
  // A path of our own, with its query and fragment, is kept.
  await page.goto(`/signin?callbackUrl=${encodeURIComponent("/orgs/acme/workflows?q=deploy#list")}`);
  await expect(page).toHaveURL(`${origin}/orgs/acme/workflows?q=deploy#list`);
});
