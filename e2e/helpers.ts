import { expect, type Page } from "@playwright/test";

export const PASSWORD = "gatehouse-demo";

/** Signs in through the dev OpenID Provider: the real authorization-code + PKCE flow. */
export async function signIn(page: Page, email: string) {
  await page.goto("/signin");
  await page.getByRole("button", { name: /Continue with Acme SSO/ }).click();
  await expect(page.getByRole("heading", { name: /Sign in to Gatehouse/ })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/orgs\/acme$/);
  await expect(page.getByTestId("user-email")).toHaveText(email);
}
