import { expect, test, type Page } from "@playwright/test";
import { PASSWORD, signIn } from "./helpers";
import { GITHUB_CLAIMS, GITHUB_UNVERIFIED, GITHUB_VERIFIED, OIDC_UNSTATED, OIDC_UNVERIFIED } from "./identities";

// An email address grants the memberships stored under it, so Gatehouse takes one only when
// the provider vouches for it. Every address used here is seeded as a viewer of acme: an
// address trusted by mistake would land on /orgs/acme.

async function signInWithOidc(page: Page, email: string) {
  await page.goto("/signin");
  await page.getByRole("button", { name: /Continue with Acme SSO/ }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function signInWithGithub(page: Page, login: string) {
  await page.goto("/signin");
  await page.getByRole("button", { name: /Continue with GitHub/ }).click();
  await expect(page.getByRole("heading", { name: /^Authorize Gatehouse/ })).toBeVisible();
  await page.getByRole("button", { name: `Authorize as ${login}`, exact: true }).click();
}

async function expectRefused(page: Page, message: RegExp) {
  await expect(page).toHaveURL(/\/signin\?/);
  // (Next's route announcer is an alert too: look for ours by its text.)
  await expect(page.getByRole("alert").filter({ hasText: message })).toBeVisible();
  const orgs = await page.request.get("/api/v1/orgs");
  expect(orgs.status()).toBe(401);
}

test.describe("OpenID Connect (dev IdP)", () => {
  test("a verified email signs in", async ({ page }) => {
    await signIn(page, "viewer@acme.test");
  });

  test("email_verified: false is refused", async ({ page }) => {
    await signInWithOidc(page, OIDC_UNVERIFIED.email);
    await expectRefused(page, /says your email address is not verified/);
  });

  test("no email_verified claim is refused while AUTH_OIDC_TRUST_EMAIL is off", async ({ page }) => {
    await signInWithOidc(page, OIDC_UNSTATED.email);
    await expectRefused(page, /did not say whether your email address is verified.*AUTH_OIDC_TRUST_EMAIL=true/);
  });
});

test.describe("GitHub (simulator)", () => {
  test("the verified primary email signs in and gets its role", async ({ page }) => {
    await signInWithGithub(page, GITHUB_VERIFIED.login);
    await expect(page).toHaveURL(/\/orgs\/acme$/);
    await expect(page.getByTestId("user-email")).toHaveText("gh-viewer@acme.test");
  });

  test("an account with no verified email is refused", async ({ page }) => {
    await signInWithGithub(page, GITHUB_UNVERIFIED.login);
    await expectRefused(page, /GitHub lists no verified email address on your account/);
  });

  test("an unverified public profile email is not taken: the verified primary is", async ({ page }) => {
    await signInWithGithub(page, GITHUB_CLAIMS.login);
    await expect(page.getByRole("heading", { name: "No organisation yet" })).toBeVisible();
    await expect(page.getByText("You are signed in as")).toContainText("octo-claims@example.test");
    const orgs = await page.request.get("/api/v1/orgs");
    expect(await orgs.json()).toEqual({ ok: true, data: [] });
  });
});
