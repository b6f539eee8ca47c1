import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
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
