import { expect, test as base } from "@playwright/test";

// Every browser test fails on a Content-Security-Policy violation in one of the app's pages:
// the `securitypolicyviolation` event (reported from an init script, which the page's CSP does
// not govern) and the console errors Chromium logs for blocked content. The identity provider's
// pages (another origin, its own policy) are not the app's.
export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: [
    async ({ page, baseURL }, use) => {
      const appOrigin = new URL(baseURL!).origin;
      const violations: string[] = [];
      await page.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) => {
          console.error(`[csp-violation] ${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
        });
      });
      page.on("console", (msg) => {
        if (msg.type() !== "error") return;
        const text = msg.text();
        if (!text.startsWith("[csp-violation]") && !/Content Security Policy/i.test(text)) return;
        const where = msg.location().url || page.url();
        if (where.startsWith(appOrigin) || page.url().startsWith(appOrigin)) violations.push(`${page.url()}: ${text}`);
      });
      await use(violations);
      expect(violations, "Content-Security-Policy violations on the app's pages").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
