import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// The lead's Monday: the review since the last sign-off (on a fresh demo, the week the first sync
// saw), grouped by owner; a finding triaged and one accepted from their rows; the week signed off
// with a note, frozen and readable afterwards; the next review starts from it. A viewer reads only.

test("review, triage from a row, accept with an exception, sign off, read it back", async ({ page, browser }) => {
  await signIn(page, "admin@acme.test");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Review" }).click();
  await expect(page).toHaveURL(/\/orgs\/acme\/review$/);
  await expect(page.getByRole("heading", { name: "Weekly review" })).toBeVisible();
  // On a fresh demo no review has been signed off; after review-week.spec.ts its baseline is the last.
  await expect(page.getByText(/a week ago \(no review has been signed off yet\)|Since review #\d+, signed off by/).first()).toBeVisible();
  const n = (await page.getByTestId("past-review").count()) + 1;
  const fresh = page.getByTestId("review-new");
  await expect(fresh.getByTestId("review-finding").first()).toBeVisible();
  await expect(page.getByTestId("review-owner").first()).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  // One click to triage: Acknowledge opens the form with the owner as assignee.
  const first = fresh.getByTestId("review-finding").first();
  const label = (await first.getByRole("button", { name: /^Acknowledge / }).getAttribute("aria-label"))!.replace(/^Acknowledge /, "");
  await first.getByRole("button", { name: `Acknowledge ${label}` }).click();
  const form = page.getByRole("form", { name: `Triage ${label}` });
  await expect(form.getByLabel("Assignee")).not.toHaveValue("");
  await form.getByLabel("Note (optional)").fill("Taking it this sprint.");
  await form.getByRole("button", { name: "Acknowledge" }).click();
  const triaged = fresh.getByTestId("review-finding").filter({ has: page.getByRole("button", { name: `Reopen ${label}` }) });
  await expect(triaged.getByTestId("finding-state")).toHaveText("acknowledged");

  // An admin accepts another one until a date, with a reason.
  const second = fresh.getByTestId("review-finding").filter({ has: page.getByRole("button", { name: /^Accept with exception: / }) }).nth(1);
  const name = (await second.getByRole("button", { name: /^Accept with exception: / }).getAttribute("aria-label"))!.replace(/^Accept with exception: /, "");
  await second.getByRole("button", { name: `Accept with exception: ${name}` }).click();
  const exception = page.getByRole("form", { name: `Exception for ${name}` });
  await exception.getByLabel("Reason (at least 10 characters)").fill("Vendored action, pinned by the release process");
  await exception.getByRole("button", { name: "Grant exception" }).click();
  const accepted = page.getByTestId("review-finding").filter({ has: page.getByRole("button", { name: `Revoke exception: ${name}` }) }).first();
  await expect(accepted.getByTestId("finding-state")).toHaveText("accepted");
  await expect(accepted.getByTestId("finding-exception")).toContainText("Vendored action, pinned by the release process");
  await expect(page.getByTestId("review-expiring")).toContainText("(0)");

  // For a look by eye: the top of the page, and the first list with the triaged and accepted rows.
  await page.screenshot({ path: "test-results/review-top.png", fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1400 } });
  await accepted.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/review-accepted.png" });

  // Sign off: the frozen review opens with the note; the next review starts from it, with nothing new.
  const newCount = await fresh.getByTestId("review-finding").count();
  await page.getByRole("form", { name: "Sign off this review" }).getByLabel("Note").fill("First review: ops takes the unpinned actions; one vendored action accepted to March.");
  await page.getByRole("button", { name: "Sign off the review" }).click();
  await expect(page).toHaveURL(/\/orgs\/acme\/review\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: `Review #${n}` })).toBeVisible();
  await expect(page.getByTestId("review-note")).toHaveText("First review: ops takes the unpinned actions; one vendored action accepted to March.");
  await expect(page.getByTestId("review-new").getByTestId("review-finding")).toHaveCount(newCount);
  await expect(page.getByRole("button", { name: /^Acknowledge / })).toHaveCount(0);
  const md = await page.request.get(page.url().replace("/orgs/acme/review/", "/api/v1/orgs/acme/reviews/") + "?format=md");
  expect(md.status()).toBe(200);
  const report = await md.text();
  expect(report).toContain(`# Weekly review of CI credentials — acme, #${n}`);
  expect(report).toContain("> First review: ops takes the unpinned actions; one vendored action accepted to March.");
  writeFileSync("test-results/review-acme-1.md", report);

  await page.getByRole("link", { name: "Weekly review" }).click();
  await expect(page.getByText(new RegExp(`Since review #${n}, signed off by admin@acme.test`))).toBeVisible();
  await expect(page.getByTestId("review-new")).toContainText("Nothing new since then.");
  await expect(page.getByTestId("past-review")).toHaveCount(n);

  // A viewer reads the review and the past ones, and can change nothing.
  const viewer = await browser.newPage();
  await signIn(viewer, "viewer@acme.test");
  await viewer.goto("/orgs/acme/review");
  await expect(viewer.getByTestId("past-review")).toHaveCount(n);
  await expect(viewer.getByRole("form", { name: "Sign off this review" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: /^Acknowledge / })).toHaveCount(0);
  await viewer.close();
});

// The trend: one point per sync of the demo, as a chart for the eye and a table of the same
// numbers for everyone else, on the review page and the overview; both pages axe clean with it open.
test("the findings trend on the review page and the overview", async ({ page }) => {
  await signIn(page, "viewer@acme.test");
  for (const path of ["/orgs/acme/review", "/orgs/acme"]) {
    await page.goto(path);
    const trend = page.getByTestId("findings-trend");
    await expect(trend.getByRole("heading", { name: "Findings over time" })).toBeVisible();
    await expect(trend.getByRole("img", { name: /^Findings by severity (over the last \d+ syncs|after the only sync so far)/ })).toBeVisible();
    // One line per severity present; on a demo with one sync each is a single dot.
    await expect(trend.locator("svg.recharts-surface .recharts-line").first()).toBeAttached();
    await expect(trend.locator("svg.recharts-surface .recharts-line-dots circle").first()).toBeVisible();
    await trend.getByText("The numbers").click();
    const rows = trend.getByTestId("trend-table").locator("tbody tr");
    await expect(rows.first()).toBeVisible();
    // The five severities, then the total (then the over-broad credentials).
    const total = Number(await rows.first().locator("td").nth(5).textContent());
    expect(total).toBeGreaterThan(0);
    expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  }
  await page.screenshot({ path: "test-results/overview-trend.png", fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1000 } });
});

// The report's webhook, set by an admin against a receiver on this machine: the URL never shown
// again, "Send a test" reaching it, a receiver that fails said plainly; axe clean.
test("an admin sends the weekly report to a webhook, with a test", async ({ page }) => {
  const got: string[] = [];
  let fail = false;
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      got.push(body);
      res.writeHead(fail ? 500 : 200).end(fail ? "channel_is_archived" : "ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/T1/B2/e2eSecretToken`;
  try {
    await signIn(page, "admin@acme.test");
    await page.goto("/orgs/acme/review");
    const section = page.getByTestId("report-webhook");
    await expect(section).toContainText("Not set up.");
    await section.getByLabel("Webhook URL").fill(url);
    await section.getByRole("button", { name: "Save" }).click();
    await expect(section.getByRole("status")).toHaveText("Saved.");
    await expect(section).toContainText("Set by admin@acme.test to http://127.0.0.1:");
    await expect(section.getByLabel(/Webhook URL/)).toHaveValue("");
    expect(await page.content()).not.toContain("e2eSecretToken");
    await section.getByRole("button", { name: "Send a test" }).click();
    await expect(section.getByRole("status")).toContainText("Delivered to 127.0.0.1:");
    expect(got).toHaveLength(1);
    expect((JSON.parse(got[0]!) as { text: string }).text).toContain("*Gatehouse test message for acme*");
    fail = true;
    await section.getByRole("button", { name: "Send a test" }).click();
    await expect(section.getByRole("alert")).toContainText("answered 500: “channel_is_archived”");
    expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
    await section.getByRole("button", { name: "Remove" }).click();
    await expect(section.getByRole("status")).toHaveText("Removed: no report is sent.");
  } finally {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }
});
