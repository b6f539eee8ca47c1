import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

const nonceOf = (policy: string | undefined) => /'nonce-([^']+)'/.exec(policy ?? "")?.[1];

test("every page has a Content-Security-Policy with a fresh nonce that Next's scripts carry, and the usual security headers", async ({ request }) => {
  const first = await request.get("/signin");
  const second = await request.get("/signin");
  const policy = first.headers()["content-security-policy"];
  const nonce = nonceOf(policy);
  expect(nonce, `a nonce in ${policy}`).toBeTruthy();
  expect(nonceOf(second.headers()["content-security-policy"])).not.toBe(nonce);
  expect(policy).toContain("'strict-dynamic'");
  expect(policy).not.toContain("'unsafe-eval'");
  expect(policy).toContain("frame-ancestors 'none'");

  const html = await first.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

  expect(first.headers()).toMatchObject({
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
  });
  expect(first.headers()["permissions-policy"]).toContain("camera=()");
  const api = await request.get("/api/health");
  expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
});

test("markup injected into a page cannot run script", async ({ page, cspViolations }) => {
  await signIn(page, "viewer@acme.test");
  const ran = await page.evaluate(
    () =>
      new Promise<unknown>((resolve) => {
        const holder = document.createElement("div");
        holder.innerHTML = `<img src="/nothing-here.png" onerror="window.__injected = 1">`;
        holder.querySelector("img")!.addEventListener("error", () => setTimeout(() => resolve((window as unknown as { __injected?: number }).__injected), 50));
        document.body.append(holder);
      }),
  );
  expect(ran).toBeUndefined();
  // The refusal is the one violation expected here: it also shows the guard of every test sees them.
  await expect.poll(() => cspViolations.some((v) => v.includes("script-src"))).toBe(true);
  cspViolations.length = 0;
});
