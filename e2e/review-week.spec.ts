import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// The scripted week on the demo, in the browser: after a baseline sign-off, through the
// GitHub simulator, two findings fixed, one back, three new, and an exception expired (granted to
// expire a minute on; the e2e server runs the expiry job every minute, EXCEPTION_EXPIRY_MINUTES);
// after Sync now the review shows exactly 2 fixed, 1 regressed, 3 new, 1 expired and nothing else.
// It changes only its own files in acme/ui-icons (no other spec touches that repository) and
// leaves no sign-off of the week, so the specs after it still see its baseline as the last one.

const SIM = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 2}/_sim/orgs/acme/repos`;
const REPO = "acme/ui-icons";
const wf = (name: string) => `.github/workflows/week-${name}.yml`;
// One finding each (an unpinned action, info), on a job of its own name: no two files share a
// job and subject, so none of them reads as another renamed.
const oneFinding = (name: string) => `name: week ${name}
on: push
permissions:
  contents: read
jobs:
  lint-${name}:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-node@v4
      - run: echo ${name}
`;

interface F {
  id: string;
  repo: string;
  path: string;
}
interface Review {
  new: F[];
  open: F[];
  regressed: F[];
  fixed: F[];
  expired: F[];
  counts: Record<string, number>;
}

async function push(page: Page, files: Record<string, string | null>, message: string) {
  const res = await page.request.post(`${SIM}/ui-icons/files`, { data: { files, message } });
  expect(res.status()).toBe(200);
}
async function review(page: Page): Promise<Review> {
  const res = await page.request.get("/api/v1/orgs/acme/review");
  expect(res.status()).toBe(200);
  return ((await res.json()) as { data: Review }).data;
}
const present = (r: Review) => new Set([...r.new, ...r.open, ...r.regressed].filter((f) => f.repo === REPO).map((f) => f.path));

test("the scripted week: 2 fixed, 1 regressed, 3 new, 1 expired — and nothing else", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, "admin@acme.test");
  const origin = new URL(page.url()).origin;

  // Before the baseline: findings to fix, one fixed already, one accepted until a minute from now.
  await push(page, { [wf("fix-one")]: oneFinding("fix-one"), [wf("fix-two")]: oneFinding("fix-two"), [wf("comes-back")]: oneFinding("comes-back"), [wf("accepted")]: oneFinding("accepted") }, "Week: setup");
  await expect.poll(async () => [...present(await review(page))].filter((p) => p.includes("/week-")).sort(), { timeout: 60_000 }).toEqual(["accepted", "comes-back", "fix-one", "fix-two"].map(wf).sort());
  await push(page, { [wf("comes-back")]: null }, "Week: drop comes-back");
  await expect.poll(async () => present(await review(page)).has(wf("comes-back")), { timeout: 60_000 }).toBe(false);
  const accepted = [...(await review(page)).new, ...(await review(page)).open].find((f) => f.repo === REPO && f.path === wf("accepted"))!;
  const expiresAt = new Date(Date.now() + 60_000);
  const grant = await page.request.post("/api/v1/orgs/acme/exceptions", {
    headers: { origin },
    data: { scope: { findingId: accepted.id }, reason: "Icons pipeline is frozen until the rebrand ships", expiresAt: expiresAt.toISOString() },
  });
  expect(grant.status()).toBe(201);

  // The baseline, signed off on the page.
  await page.goto("/orgs/acme/review");
  await page.getByRole("form", { name: "Sign off this review" }).getByLabel("Note").fill("Baseline before the scripted week.");
  await page.getByRole("button", { name: "Sign off the review" }).click();
  await expect(page).toHaveURL(/\/orgs\/acme\/review\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: /^Review #\d+$/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Broadest credentials at sign-off" })).toBeVisible();
  await expect(page.getByTestId("broad-credential").first()).toBeVisible();
  await page.screenshot({ path: "test-results/review-week-baseline.png", fullPage: true });

  // The week on GitHub: two fixed, one back, three new.
  await push(page, {
    [wf("fix-one")]: null,
    [wf("fix-two")]: null,
    [wf("comes-back")]: oneFinding("comes-back"),
    [wf("new-a")]: oneFinding("new-a"),
    [wf("new-b")]: oneFinding("new-b"),
    [wf("new-c")]: oneFinding("new-c"),
  }, "Week: the changes");
  // The exception's date passes and the expiry job records it.
  await expect
    .poll(async () => {
      const res = await page.request.get(`/api/v1/orgs/acme/findings/${accepted.id}`);
      return ((await res.json()) as { data: { history: { type: string }[] } }).data.history.map((h) => h.type);
    }, { timeout: 180_000, intervals: [5_000] })
    .toContain("exception_expired");

  // Sync now, then the review since the baseline.
  await page.goto("/orgs/acme/settings/github");
  await expect(page.getByRole("button", { name: "Sync now" })).toBeEnabled({ timeout: 60_000 });
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("sync-run").first()).toContainText(/succeeded|partial/, { timeout: 90_000 });

  await page.goto("/orgs/acme/review");
  await expect(page.getByText(/Since review #\d+, signed off by admin@acme.test/)).toBeVisible();
  const count = (label: string) => page.getByTestId("review-count").filter({ hasText: label }).getByRole("definition");
  await expect(count("New")).toHaveText("3");
  await expect(count("Regressed")).toHaveText("1");
  await expect(count("Exceptions expired")).toHaveText("1");
  await expect(count("Expiring in 14 days")).toHaveText("0");
  await expect(count("Fixed")).toHaveText("2");
  const rows = (list: string) => page.getByTestId(`review-${list}`).getByTestId("review-finding");
  await expect(rows("new")).toHaveCount(3);
  await expect(rows("fixed")).toHaveCount(2);
  await expect(rows("regressed")).toHaveCount(1);
  await expect(rows("expired")).toHaveCount(1);
  for (const n of ["new-a", "new-b", "new-c"]) await expect(page.getByTestId("review-new")).toContainText(wf(n));
  for (const n of ["fix-one", "fix-two"]) await expect(page.getByTestId("review-fixed")).toContainText(wf(n));
  await expect(page.getByTestId("review-regressed")).toContainText(wf("comes-back"));
  await expect(page.getByTestId("review-expired")).toContainText(wf("accepted"));
  await expect(page.getByTestId("review-expired")).toContainText("Icons pipeline is frozen until the rebrand ships");
  // Nothing else: the API's lists hold exactly those.
  const r = await review(page);
  const paths = (l: F[]) => l.map((f) => `${f.repo}/${f.path}`).sort();
  expect(paths(r.new)).toEqual(["new-a", "new-b", "new-c"].map((n) => `${REPO}/${wf(n)}`));
  expect(paths(r.fixed)).toEqual(["fix-one", "fix-two"].map((n) => `${REPO}/${wf(n)}`));
  expect(paths(r.regressed)).toEqual([`${REPO}/${wf("comes-back")}`]);
  expect(paths(r.expired)).toEqual([`${REPO}/${wf("accepted")}`]);
  // The trend shows the over-broad credentials beside the findings.
  await page.getByTestId("findings-trend").getByText("The numbers").click();
  await expect(page.getByTestId("trend-table").locator("thead")).toContainText("Over-broad credentials");
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await page.screenshot({ path: "test-results/review-week.png", fullPage: true });
});
