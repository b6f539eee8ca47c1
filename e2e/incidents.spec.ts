import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";
import { ACME_INCIDENT, acmeIncidentWindow } from "../sim/fixtures/acme-story";
import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// Incident mode's screens, against the demo org acme. aws-actions/configure-aws-credentials is the
// third-party action several of acme's deploy workflows run: the compromised action of the story.
const ACTION = "aws-actions/configure-aws-credentials";

async function axeClean(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${what}: ${v.id} ${v.nodes[0]?.target.join(" ")}`)).toEqual([]);
}

const timelineEvents = (page: Page) => page.getByTestId("timeline-event");

test.describe.serial("incident mode", () => {
  let incidentPath = "";
  let incidentNumber = "";

  test("a responder starts an incident from an action's blast radius and works its checklist", async ({ page }) => {
    test.setTimeout(120_000);
    await signIn(page, "responder@acme.test");
    await page.goto(`/orgs/acme/blast-radius?type=action&id=${encodeURIComponent(ACTION)}`);
    await page.getByTestId("start-incident").click();

    // The form opens prefilled with what the blast radius was about.
    await expect(page).toHaveURL(/\/orgs\/acme\/incidents\?kind=action&target=/);
    const form = page.getByRole("form", { name: "New incident" });
    await expect(form.getByLabel("What is compromised")).toHaveValue("action");
    await expect(form.getByLabel("Target")).toHaveValue(ACTION);
    await expect(form.getByLabel("Commander (email)")).toHaveValue("responder@acme.test");
    await expect(form.getByLabel("From (UTC)")).toBeVisible();
    await axeClean(page, "new incident form");
    await form.getByLabel("Title").fill("configure-aws-credentials tag re-pointed");
    await form.getByLabel("Severity").selectOption("critical");
    await form.getByRole("button", { name: "Start incident" }).click();

    await expect(page).toHaveURL(/\/orgs\/acme\/incidents\/[0-9a-f-]{36}$/);
    incidentPath = new URL(page.url()).pathname;
    const heading = page.getByRole("heading", { level: 1 });
    await expect(heading).toContainText("configure-aws-credentials tag re-pointed");
    incidentNumber = /INC-(\d+)/.exec((await heading.textContent()) ?? "")![1]!;
    await expect(page.getByText(`frozen from the inventory of`).first()).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Incidents/ })).toContainText(/\d+ open/);

    // Scope: the workflows that run the action, with their live state; the checklist's seven steps.
    await expect(page.getByTestId("scope-workflows")).toContainText(/Workflows \([1-9]\d*\)/);
    await expect(page.getByTestId("scope-workflows").getByRole("link").first()).toBeVisible();
    await expect(page.getByTestId("step")).toHaveCount(7);
    const step1 = page.locator('[data-testid="step"][data-step="1"]');
    await expect(step1.getByTestId("checklist-item").first()).toContainText("Disable");
    await expect(step1.getByRole("button", { name: /^Disable all \d+$/ })).toBeVisible();
    const before = await timelineEvents(page).count();
    expect(before).toBeGreaterThanOrEqual(2);

    // Skip an item with a reason: the reason is required, then shown, and the timeline grows.
    const item = page.locator('[data-testid="step"][data-step="6"]').getByTestId("checklist-item").first();
    await item.getByLabel("Status", { exact: true }).selectOption("skipped");
    await item.getByRole("button", { name: "Save status" }).click();
    await expect(item.getByRole("alert")).toContainText("Say why the item is skipped");
    await item.getByLabel("Why is it skipped?").fill("No cache was written inside the window");
    await item.getByRole("button", { name: "Save status" }).click();
    await expect(item).toHaveAttribute("data-status", "skipped");
    await expect(item).toContainText("Reason: No cache was written inside the window");
    await expect(timelineEvents(page)).toHaveCount(before + 1);
    await expect(timelineEvents(page).last()).toContainText("skipped (No cache was written inside the window)");

    // A note on another item.
    const other = step1.getByTestId("checklist-item").first();
    await other.getByText("Add note or evidence").click();
    await other.getByLabel("Note or evidence").fill("Paged the owning team in #deploys");
    await other.getByRole("button", { name: "Add note" }).click();
    await expect(other.getByText("Paged the owning team in #deploys")).toBeVisible();
    await expect(other).toContainText("Notes (1)");
    await expect(timelineEvents(page)).toHaveCount(before + 2);
    await expect(timelineEvents(page).last()).toHaveAttribute("data-type", "note");

    // The Markdown report has the incident, its checklist with the skip, and the timeline.
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download Markdown" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`gatehouse-acme-INC-${incidentNumber}.md`);
    const md = readFileSync((await file.path())!, "utf8");
    expect(md).toContain(`# INC-${incidentNumber}: configure-aws-credentials tag re-pointed`);
    expect(md).toContain(`| Target | action: \`${ACTION}\` |`);
    expect(md).toContain("## Checklist");
    expect(md).toContain("⤼ skipped (No cache was written inside the window)");
    expect(md).toContain("Paged the owning team in #deploys");

    // Closing is refused while items are open, with the API's reason; the incident stays open.
    await page.getByLabel("Summary").fill("Contained: workflows disabled, nothing exposed.");
    await page.getByRole("button", { name: "Close incident" }).click();
    await expect(page.locator("#close").getByRole("alert")).toContainText(/checklist item\(s\) are not done, verified or skipped/);
    await expect(page.getByText("This incident is closed")).toHaveCount(0);
    await axeClean(page, "incident page (responder)");
  });

  test("a second responder's change shows up without reloading", async ({ page, browser }) => {
    await signIn(page, "responder@acme.test");
    await page.goto(incidentPath);
    const item = page.locator('[data-testid="step"][data-step="7"]').getByTestId("checklist-item").first();
    await expect(item).toHaveAttribute("data-status", "todo");
    // Someone else (the admin, in another browser) assigns it to themselves.
    const other = await browser.newPage();
    await signIn(other, "admin@acme.test");
    await other.goto(incidentPath);
    const same = other.locator('[data-testid="step"][data-step="7"]').getByTestId("checklist-item").first();
    await same.getByRole("button", { name: "Assign to me" }).click();
    await expect(same).toContainText("Assignee: admin@acme.test");
    await other.close();
    // The first page polls: no reload.
    await expect(item).toContainText("Assignee: admin@acme.test");
  });

  test("a viewer sees the incident read-only", async ({ page }) => {
    await signIn(page, "viewer@acme.test");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Incidents/ }).click();
    await expect(page.getByRole("link", { name: "New incident" })).toHaveCount(0);
    await page.getByTestId("incident-row").filter({ hasText: `INC-${incidentNumber} ` }).getByRole("link").click();
    await expect(page).toHaveURL(new RegExp(`${incidentPath}$`));
    await expect(page.getByTestId("checklist-item").first()).toBeVisible();
    await expect(page.getByText("Reason: No cache was written inside the window")).toBeVisible();
    const main = page.locator("main");
    await expect(main.getByRole("button")).toHaveCount(0);
    await expect(main.getByRole("textbox")).toHaveCount(0);
    await expect(main.getByRole("combobox")).toHaveCount(0);
    await expect(main.getByRole("link", { name: "Download Markdown" })).toBeVisible();
    await axeClean(page, "incident page (viewer)");
    // And the API refuses the viewer's write, whatever the page shows.
    const id = incidentPath.split("/").pop()!;
    const origin = new URL(page.url()).origin;
    const res = await page.request.post(`/api/v1/orgs/acme/incidents/${id}/close`, { headers: { origin }, data: { summary: "not allowed to do this" } });
    expect(res.status()).toBe(403);
  });

  test("the new-incident form works from the keyboard alone and keeps what was typed on an error", async ({ page }) => {
    await signIn(page, "responder@acme.test");
    await page.goto("/orgs/acme/incidents");
    const focusedId = () => page.evaluate(() => document.activeElement?.id ?? (document.activeElement as HTMLAnchorElement | null)?.textContent ?? "");
    const newLink = page.getByRole("link", { name: "New incident" });
    for (let i = 0; i < 40 && !(await newLink.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
    await expect(newLink).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/new=1/);

    const tabTo = async (id: string) => {
      for (let i = 0; i < 40 && (await focusedId()) !== id; i++) await page.keyboard.press("Tab");
      expect(await focusedId()).toBe(id);
    };
    await tabTo("new-kind");
    await page.keyboard.type("Secret");
    await expect(page.locator("#new-kind")).toHaveValue("secret");
    await tabTo("new-target");
    await page.keyboard.type("NO_SUCH_SECRET_ANYWHERE");
    await tabTo("new-title");
    await page.keyboard.type("Leaked token");
    await page.keyboard.press("Enter");
    // The API's 404 beside the form; what was typed is still there.
    await expect(page.getByRole("form", { name: "New incident" }).getByRole("alert")).toContainText("Nothing in the inventory matches");
    await expect(page.locator("#new-title")).toHaveValue("Leaked token");
    await expect(page.locator("#new-target")).toHaveValue("NO_SUCH_SECRET_ANYWHERE");

    // A window that ends before it starts: the field says so.
    await page.locator("#new-window-from").fill("2025-03-15T10:00");
    await page.locator("#new-window-to").fill("2025-03-14T10:00");
    await page.locator("#new-target").fill("NPM_TOKEN");
    await page.locator("#new-title").focus();
    await page.keyboard.press("Enter");
    await expect(page.getByText("Window: must end after it starts")).toBeVisible();
    await page.locator("#new-window-from").fill("");
    await page.locator("#new-window-to").fill("");

    await tabTo("new-title");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/orgs\/acme\/incidents\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Leaked token");
    await expect(page.locator('[data-testid="step"][data-step="3"]').getByTestId("checklist-item").filter({ hasText: "Rotate NPM_TOKEN" }).first()).toBeVisible();
  });

  test("GitHub actions and secret values follow the API's contract (answers stubbed in the browser)", async ({ page }) => {
    await signIn(page, "responder@acme.test");
    // The actions route: a dry run lists the calls; the run answers one done and one failed.
    const bodies: { action: string; itemIds: string[]; dryRun: boolean }[] = [];
    await page.route("**/api/v1/orgs/acme/incidents/*/actions", async (route) => {
      const body = route.request().postDataJSON() as { action: string; itemIds: string[]; dryRun: boolean };
      bodies.push(body);
      const results = body.itemIds.map((itemId, n) => ({
        itemId,
        label: `workflow ${n + 1}`,
        status: body.dryRun ? "planned" : n === 0 ? "failed" : "done",
        message: body.dryRun ? "" : n === 0 ? "Resource not accessible by integration (needs actions: write)" : "disabled",
        calls: [{ method: "PUT", path: `/repos/acme/r${n}/actions/workflows/${n}/disable` }],
      }));
      await route.fulfill({ json: { ok: true, data: { action: body.action, dryRun: body.dryRun, summary: `${results.length} workflow(s)`, results } } });
    });
    await page.goto(incidentPath);
    const step1 = page.locator('[data-testid="step"][data-step="1"]');
    const disableAll = step1.getByRole("button", { name: /^Disable all \d+$/ });
    const n = Number(/\d+/.exec((await disableAll.textContent()) ?? "")![0]);
    await disableAll.click();
    await expect(step1.getByTestId("action-results")).toContainText("Dry run:");
    await expect(step1.getByTestId("action-result").first()).toContainText("PUT /repos/acme/r0/actions/workflows/0/disable");
    expect(bodies.at(-1)).toMatchObject({ action: "disable-workflows", dryRun: true });
    expect(bodies.at(-1)!.itemIds).toHaveLength(n);
    await step1.getByRole("button", { name: `Confirm: disable ${n} workflow${n === 1 ? "" : "s"} and cancel their runs` }).click();
    await expect(step1.locator('[data-testid="action-result"][data-status="failed"]')).toContainText("needs actions: write");
    expect(bodies.at(-1)).toMatchObject({ action: "disable-workflows", dryRun: false });

    // A server without the route (404, not the API's JSON): the page says so and hides the buttons.
    await page.unroute("**/api/v1/orgs/acme/incidents/*/actions");
    await page.route("**/api/v1/orgs/acme/incidents/*/actions", (route) => route.fulfill({ status: 404, contentType: "text/html", body: "<h1>404</h1>" }));
    await step1.getByRole("button", { name: "Cancel runs" }).click();
    await expect(page.getByText("cannot act on GitHub from here yet").first()).toBeVisible();
    await expect(step1.getByRole("button", { name: /^Disable all/ })).toHaveCount(0);

    // The secret form: the value goes in the request body only, and the field is emptied at once.
    const secretIncident = page.getByTestId("incident-row");
    await page.goto("/orgs/acme/incidents?status=open");
    await secretIncident.filter({ hasText: "Leaked token" }).getByRole("link").click();
    let sent: unknown = null;
    await page.route("**/secret-value", async (route) => {
      sent = route.request().postDataJSON();
      await route.fulfill({ json: { ok: true, data: { ok: true } } });
    });
    const rotate = page.locator('[data-testid="checklist-item"][data-item-kind="rotate-secret"]').first();
    await rotate.getByText("Set new value in Gatehouse").click();
    const field = rotate.getByLabel(/^New value for /);
    await expect(field).toHaveAttribute("autocomplete", "off");
    await expect(field).toHaveAttribute("spellcheck", "false");
    const value = `npm_${Date.now()}_s3cr3t`;
    await field.fill(value);
    await rotate.getByRole("button", { name: "Set new value" }).click();
    await expect(rotate.getByRole("status").filter({ hasText: "New value sealed" })).toBeVisible();
    expect(sent).toEqual({ value });
    await expect(field).toHaveValue("");
    expect(await page.content()).not.toContain(value);
    expect(page.url()).not.toContain(value);
  });

  test("through the demo's responder App: disable all after a dry run, re-enable refused behind the boundary, a secret's new value written", async ({ page }) => {
    test.setTimeout(120_000);
    await signIn(page, "responder@acme.test");
    await page.goto(incidentPath);
    const step1 = page.locator('[data-testid="step"][data-step="1"]');
    const disableAll = step1.getByRole("button", { name: /^Disable all \d+$/ });
    const n = Number(/\d+/.exec((await disableAll.textContent()) ?? "")![0]);
    await disableAll.click();
    const plan = step1.getByTestId("action-results");
    await expect(plan).toContainText("Dry run");
    await expect(plan.locator('[data-testid="action-result"][data-status="planned"]')).toHaveCount(n);
    await expect(plan).toContainText(/PUT \/repos\/acme\/[^/]+\/actions\/workflows\/\d+\/disable/);
    await step1.getByRole("button", { name: /^Confirm: disable/ }).click();
    await expect(step1.getByTestId("action-results")).toContainText(`disable-workflows: ${n} of ${n} item(s) done`, { timeout: 60_000 });
    await expect(step1.getByTestId("step-progress")).toHaveText(`${n} / ${n} finished`);
    await expect(timelineEvents(page).last()).toHaveAttribute("data-type", "action_result");

    // Step 7: no sync has shown the cause gone, so re-enabling is refused, and says why.
    const restore = page.locator('[data-testid="step"][data-step="7"]').getByTestId("checklist-item").first();
    await restore.getByRole("button", { name: /^Re-enable / }).click();
    await expect(restore.locator('[data-testid="action-result"][data-status="refused"]')).toContainText(/since the incident started|still uses/);

    // A rotation through Gatehouse: the value goes to GitHub sealed, and leaves the page at once.
    const rotate = page.locator('[data-testid="checklist-item"][data-item-kind="rotate-secret"]').filter({ hasText: "(repository " }).first();
    await rotate.getByText("Set new value in Gatehouse").click();
    const field = rotate.getByLabel(/^New value for /);
    const value = `e2e-${Date.now()}-rotated`;
    await field.fill(value);
    await rotate.getByRole("button", { name: "Set new value" }).click();
    await expect(rotate.getByRole("status").filter({ hasText: "New value sealed" })).toBeVisible({ timeout: 30_000 });
    await expect(field).toHaveValue("");
    expect(await page.content()).not.toContain(value);
    await expect(rotate).toContainText("Done, unverified");
  });

  test("once every item is finished, the incident closes with a summary and turns read-only", async ({ page }) => {
    await signIn(page, "responder@acme.test");
    const origin = new URL(page.url()).origin;
    type Detail = { id: string; steps: { items: { id: string }[] }[] };
    const list = (await (await page.request.get("/api/v1/orgs/acme/incidents?status=open")).json()) as { data: { id: string; title: string }[] };
    const id = list.data.find((i) => i.title === "Leaked token")!.id;
    const detail = (await (await page.request.get(`/api/v1/orgs/acme/incidents/${id}`)).json()) as { data: Detail };
    const items = detail.data.steps.flatMap((s) => s.items);
    for (const item of items) {
      const r = await page.request.patch(`/api/v1/orgs/acme/incidents/${id}/items/${item.id}`, { headers: { origin }, data: { status: "skipped", reason: "Drill: out of scope" } });
      expect(r.status()).toBe(200);
    }
    await page.goto(`/orgs/acme/incidents/${id}`);
    await expect(page.getByTestId("progress-text").first()).toContainText(`${items.length} / ${items.length}`);
    await page.getByLabel("Summary").fill("Drill: every item skipped on purpose.");
    await page.getByRole("button", { name: "Close incident" }).click();
    await expect(page.getByText("This incident is closed: it is read-only.")).toBeVisible();
    await expect(timelineEvents(page).last()).toHaveAttribute("data-type", "closed");
    const main = page.locator("main");
    await expect(main.getByRole("button")).toHaveCount(0);
    await expect(main.getByRole("textbox")).toHaveCount(0);
    await page.goto("/orgs/acme/incidents?status=closed");
    await expect(page.getByTestId("incident-row").filter({ hasText: "Leaked token" })).toHaveAttribute("data-status", "closed");
  });

  test("a workflow's page and the secrets list start an incident about themselves; a viewer gets no such link", async ({ page, browser }) => {
    await signIn(page, "responder@acme.test");
    await page.goto("/orgs/acme/secrets?q=NPM_TOKEN");
    await page.getByTestId("secret-row").first().getByRole("link", { name: /^Start an incident for / }).click();
    await expect(page).toHaveURL(/\/orgs\/acme\/incidents\?kind=secret&target=/);
    await expect(page.getByLabel("What is compromised")).toHaveValue("secret");
    await expect(page.getByLabel("Target")).toHaveValue(/NPM_TOKEN/i);

    await page.goto(`/orgs/acme/blast-radius?type=action&id=${encodeURIComponent(ACTION)}`);
    await page.getByTestId("blast-job").first().getByRole("link").click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}/);
    const workflowId = /\/workflows\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    await page.getByRole("link", { name: "Start an incident", exact: true }).click();
    await expect(page.getByLabel("What is compromised")).toHaveValue("workflow");
    await expect(page.getByLabel("Target")).toHaveValue(workflowId);

    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    await signIn(viewer, "viewer@acme.test");
    await viewer.goto(`/orgs/acme/workflows/${workflowId}`);
    await expect(viewer.locator("main").getByRole("link", { name: "Blast radius", exact: true })).toBeVisible();
    await expect(viewer.getByRole("link", { name: /^Start an incident/ })).toHaveCount(0);
    await viewer.goto(`/orgs/acme/incidents?kind=workflow&target=${workflowId}`);
    await expect(viewer.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();
    await expect(viewer.getByRole("form", { name: "New incident" })).toHaveCount(0);
    await viewerContext.close();
  });
});

// The demo's drill (sim/fixtures/acme-story.ts) from start to close, on an incident of its own:
// tj-actions/changed-files, whose tags were re-pointed. It touches only what the tests above do
// not read: acme/web's CI (fixed and re-enabled), a new web workflow (drift), the api secret
// DATABASE_URL_PROD (rotated; the org's NPM_TOKEN stays as the inventory specs expect it).
test.describe("the demo's incident drill", () => {
  const SIM = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 2}/_sim/orgs/acme/repos`;
  const FIXED = "acme/web/.github/workflows/ci.yml";
  const STILL_AFFECTED = "acme/sdk-js/.github/workflows/publish.yml";
  const NEW_WORKFLOW = "acme/web/.github/workflows/changed-docs.yml";
  const SECRET = "DATABASE_URL_PROD (repository acme/api)";
  const GOOD_SHA = "0e58ed8671d6b60d0890c21b07f8835ace038e67";

  /** From the keyboard: focus it (again, if a re-render took the focus away), then Enter. */
  const press = async (page: Page, target: Locator) => {
    await expect(async () => {
      await target.focus();
      await expect(target).toBeFocused({ timeout: 500 });
    }).toPass({ timeout: 15_000 });
    await page.keyboard.press("Enter");
  };

  /**
   * "Sync now" on the incident's own page (a responder may sync), until that run has finished.
   * A sync a push's webhook started first is waited out (Sync now answers "already in progress"
   * meanwhile), and pressed again.
   */
  async function syncNow(page: Page) {
    let runId = "";
    await expect(async () => {
      const button = page.getByRole("button", { name: "Sync now" });
      await expect(button).toBeEnabled({ timeout: 5_000 });
      const answer = page.waitForResponse((r) => r.url().endsWith("/api/v1/orgs/acme/sync-runs") && r.request().method() === "POST", { timeout: 5_000 });
      await press(page, button);
      const res = await answer;
      expect(res.status(), "202: queued; 409: a sync is already in progress").toBe(202);
      runId = ((await res.json()) as { data: { runId: string } }).data.runId;
    }).toPass({ timeout: 120_000 });
    type Latest = { data: { id: string; status: string } | null };
    await expect
      .poll(async () => {
        const latest = ((await (await page.request.get("/api/v1/orgs/acme/sync-runs/latest")).json()) as Latest).data;
        if (!latest || latest.status === "queued" || latest.status === "running") return "under way";
        return latest.id === runId ? latest.status : "finished, and a later run too";
      }, { timeout: 120_000 })
      .toMatch(/^(succeeded|partial|finished, and a later run too)$/);
    await expect(page.getByTestId("sync-run")).toContainText(/succeeded|partial/);
  }

  test("a responder runs it from the blast radius to a closed incident and its report; a viewer sees it read-only", async ({ page, browser }) => {
    test.setTimeout(300_000);
    const window = acmeIncidentWindow(Date.now());
    const title = `changed-files tags re-pointed, drill ${Date.now()}`;
    await signIn(page, "responder@acme.test");

    // 1. From the blast radius of the compromised action, a form prefilled with it; the rest typed from the keyboard.
    await page.goto(`/orgs/acme/blast-radius?type=action&id=${encodeURIComponent(ACME_INCIDENT.action)}`);
    await press(page, page.getByTestId("start-incident"));
    const form = page.getByRole("form", { name: "New incident" });
    await expect(form.getByLabel("Target")).toHaveValue(ACME_INCIDENT.action);
    await form.getByLabel("From (UTC)").fill(window.from.slice(0, 16));
    await form.getByLabel("To (UTC)").fill(window.to.slice(0, 16));
    await form.getByLabel("Severity").selectOption("critical");
    await form.getByLabel("Title").focus();
    await page.keyboard.type(title);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/orgs\/acme\/incidents\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    const incidentPath = new URL(page.url()).pathname;
    const heading = page.getByRole("heading", { level: 1 });
    await expect(heading).toContainText(title);
    const number = /INC-(\d+)/.exec((await heading.textContent()) ?? "")![1]!;

    // 2. Exposure: the runs inside the window; three of the four workflows ran it, and what they hold is exposed.
    await expect(page.locator("main header")).toContainText("7 run(s) of in-scope workflows inside the window;");
    const workflows = page.getByTestId("scope-workflows");
    await expect(workflows.locator("summary")).toContainText("Workflows (4)");
    await expect(workflows.locator("summary")).toContainText("3 exposed");
    for (const w of ACME_INCIDENT.workflows) await expect(workflows.getByRole("link", { name: w })).toBeVisible();
    const step = (n: number) => page.locator(`[data-testid="step"][data-step="${n}"]`);
    const item = (n: number, text: string) => step(n).getByTestId("checklist-item").filter({ hasText: text });
    const rotate = item(3, `Rotate ${SECRET}`);
    await expect(rotate.getByText("exposed", { exact: true })).toBeVisible();
    await axeClean(page, "drill: started");

    // 3. Disable all: a dry run lists the calls, the confirm makes them through the responder App.
    await press(page, step(1).getByRole("button", { name: "Disable all 4" }));
    await expect(step(1).getByTestId("action-results")).toContainText("Dry run");
    await press(page, step(1).getByRole("button", { name: "Confirm: disable 4 workflows and cancel their runs" }));
    await expect(step(1).getByTestId("action-results")).toContainText("disable-workflows: 4 of 4 item(s) done.", { timeout: 60_000 });
    await expect(step(1).getByTestId("step-progress")).toHaveText("4 / 4 finished");
    for (const w of ACME_INCIDENT.workflows) await expect(workflows.locator("li").filter({ hasText: w })).toContainText("now disabled");

    // 4. A rotation through the form: written to GitHub sealed, done but not yet verified.
    await press(page, rotate.getByText("Set new value in Gatehouse"));
    const field = rotate.getByLabel(/^New value for /);
    await field.fill(`drill-${Date.now()}-rotated`);
    await press(page, rotate.getByRole("button", { name: "Set new value" }));
    await expect(rotate.getByRole("status").filter({ hasText: "New value sealed" })).toBeVisible({ timeout: 30_000 });
    await expect(rotate).toContainText("Done, unverified");
    await axeClean(page, "drill: contained, rotation unverified");

    // 5. Sync now: the sync sees the secret updated after the start, and Gatehouse verifies the item.
    await syncNow(page);
    await expect(rotate).toHaveAttribute("data-status", "verified", { timeout: 30_000 });
    await expect(rotate).toContainText("✓ Verified");
    await expect(page.getByTestId("timeline-event").filter({ hasText: `Rotate ${SECRET}: verified` })).toContainText("Gatehouse (sync)");

    // 6. Re-enabling before the cause is gone: refused, and the page says why.
    const restoreFixed = item(7, `Re-enable ${FIXED} once the cause is gone`);
    await press(page, restoreFixed.getByRole("button", { name: `Re-enable ${FIXED}` }));
    await expect(restoreFixed.locator('[data-testid="action-result"][data-status="refused"]')).toContainText(`still uses ${ACME_INCIDENT.action} at ${ACME_INCIDENT.ref}`);

    // 7. The fix, pushed to GitHub: web's CI pins the action to a commit, and a new web workflow uses it (pinned too).
    const ci = readFileSync(fileURLToPath(new URL("../sim/fixtures/acme/repos/web/.github/workflows/ci.yml", import.meta.url)), "utf8");
    const pinned = ci.replace(`${ACME_INCIDENT.action}@${ACME_INCIDENT.ref}`, `${ACME_INCIDENT.action}@${GOOD_SHA} # v46.0.1`);
    expect(pinned).not.toBe(ci);
    const docs = `name: Changed docs\non: pull_request\npermissions:\n  contents: read\njobs:\n  docs:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${ACME_INCIDENT.action}@${GOOD_SHA} # v46.0.1\n`;
    const push = await page.request.post(`${SIM}/web/files`, { data: { files: { ".github/workflows/ci.yml": pinned, ".github/workflows/changed-docs.yml": docs }, message: "Pin changed-files to a commit" } });
    expect(push.status()).toBe(200);
    await syncNow(page);

    // The sync put the new reach on the timeline once, as Gatehouse; it joins the scope only when added.
    const drift = page.getByTestId("timeline-event").filter({ hasText: `Scope drift: 1 new workflow (${NEW_WORKFLOW})` });
    await expect(drift).toHaveCount(1, { timeout: 30_000 });
    await expect(drift).toHaveAttribute("data-type", "drift");
    await expect(drift).toContainText("Gatehouse (sync)");
    await expect(page.getByTestId("drift").locator("li").filter({ hasText: NEW_WORKFLOW })).toContainText(/first seen by the sync of \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    await axeClean(page, "drill: drift shown");
    await page.locator("#drift").screenshot({ path: "test-results/incident-drill-drift.png" });
    await press(page, page.getByRole("button", { name: `Add to scope: ${NEW_WORKFLOW}` }));
    await expect(workflows.getByRole("link", { name: NEW_WORKFLOW })).toBeVisible();
    await expect(page.locator("#drift")).toHaveCount(0);

    // 8. Behind the fixed boundary: web's CI re-enabled; sdk-js still runs the tag, so it is refused with the reason.
    await press(page, restoreFixed.getByRole("button", { name: `Re-enable ${FIXED}` }));
    await expect(restoreFixed.locator('[data-testid="action-result"][data-status="done"]')).toBeVisible({ timeout: 60_000 });
    await expect(restoreFixed).toHaveAttribute("data-status", "done");
    await expect(workflows.locator("li").filter({ hasText: FIXED })).toContainText("now active");
    const restoreAffected = item(7, `Re-enable ${STILL_AFFECTED} once the cause is gone`);
    await press(page, restoreAffected.getByRole("button", { name: `Re-enable ${STILL_AFFECTED}` }));
    await expect(restoreAffected.locator('[data-testid="action-result"][data-status="refused"]')).toContainText(`${STILL_AFFECTED} still uses ${ACME_INCIDENT.action} at ${ACME_INCIDENT.ref}: pin it`);
    await expect(restoreAffected).toHaveAttribute("data-status", "todo");

    // 9. Every other item finished or skipped with a reason, then closed with a summary.
    const open = page.locator('[data-testid="checklist-item"]:not([data-status="done"]):not([data-status="verified"]):not([data-status="skipped"])');
    for (let left = await open.count(); left > 0; left = await open.count()) {
      const statusId = (await open.first().getByLabel("Status", { exact: true }).getAttribute("id"))!;
      const it = page.getByTestId("checklist-item").filter({ has: page.locator(`[id="${statusId}"]`) });
      const label = (await it.locator("h4 > span.break-all").textContent()) ?? "";
      await it.getByLabel("Status", { exact: true }).selectOption("skipped");
      await it.getByLabel("Why is it skipped?").fill(label.startsWith("Re-enable") ? "Stays disabled until its owners pin the action" : "Drill: handled outside Gatehouse");
      await press(page, it.getByRole("button", { name: "Save status" }));
      await expect(open).toHaveCount(left - 1);
    }
    await expect(page.getByTestId("progress-text").first()).toContainText(/(\d+) \/ \1/);
    await page.getByLabel("Summary").fill("Drill: changed-files contained, DATABASE_URL_PROD rotated and verified, web CI pinned and re-enabled.");
    await press(page, page.getByRole("button", { name: "Close incident" }));
    await expect(page.getByText("This incident is closed: it is read-only.")).toBeVisible();
    await expect(page.getByTestId("timeline-event").last()).toHaveAttribute("data-type", "closed");
    await axeClean(page, "drill: closed");

    // 10. The report: the incident, the verified rotation, the re-enabled workflow, the drift, the close.
    const download = page.waitForEvent("download");
    await press(page, page.getByRole("link", { name: "Download Markdown" }));
    const file = await download;
    expect(file.suggestedFilename()).toBe(`gatehouse-acme-INC-${number}.md`);
    const md = readFileSync((await file.path())!, "utf8");
    const line = (text: string) => md.split("\n").find((l) => l.includes(text)) ?? `(no line with ${text})`;
    expect(md).toContain(`# INC-${number}: ${title}`);
    expect(md).toContain(`| Target | action: \`${ACME_INCIDENT.action}\` |`);
    expect(md).toMatch(/\| Status \| closed \(closed .+ by responder@acme\.test\) \|/);
    expect(md).toContain("7 run(s) of in-scope workflows inside the window;");
    expect(line(`Rotate ${SECRET} |`)).toMatch(/^\| ✔ verified \| \*\*exposed\*\* Rotate DATABASE_URL_PROD .*GitHub reports the secret updated at/);
    expect(line(`Re-enable ${FIXED} once the cause is gone |`)).toMatch(/^\| ☑ done \|.*enable-workflows:/);
    expect(line(`Re-enable ${STILL_AFFECTED} once the cause is gone |`)).toContain("⤼ skipped (Stays disabled until its owners pin the action)");
    expect(md).toContain("enable-workflows: 1 of 1 item(s) done.");
    expect(md).toContain(`Scope drift: 1 new workflow (${NEW_WORKFLOW})`);
    expect(md).toContain(`${NEW_WORKFLOW} _(added from drift by responder@acme.test)_`);
    expect(md).toContain("Closed: Drill: changed-files contained");

    // 11. A viewer reads the same incident, and can change nothing.
    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    await signIn(viewer, "viewer@acme.test");
    await viewer.goto(incidentPath);
    await expect(viewer.getByRole("heading", { level: 1 })).toContainText(title);
    await expect(viewer.getByText("This incident is closed: it is read-only.")).toBeVisible();
    const main = viewer.locator("main");
    await expect(main.getByRole("button")).toHaveCount(0);
    await expect(main.getByRole("textbox")).toHaveCount(0);
    await expect(main.getByRole("combobox")).toHaveCount(0);
    await axeClean(viewer, "drill: viewer");
    await viewerContext.close();
  });
});
