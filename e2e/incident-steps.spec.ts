import AxeBuilder from "@axe-core/playwright";
import { ACME_INCIDENT, acmeIncidentWindow } from "../sim/fixtures/acme-story";
import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// Steps 5 and 6 of acme's drill on the page: the release sdk-js cut inside the compromise window
// is rebuilt by hand (done with its evidence), and the public sdk-js's run logs inside the window
// are deleted through the demo's responder App after a dry run.

test("acme's drill: a release rebuilt by hand with evidence, a public repository's run logs deleted after a dry run", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "responder@acme.test");
  const origin = new URL(page.url()).origin;
  const started = await page.request.post("/api/v1/orgs/acme/incidents", {
    headers: { origin },
    data: { kind: "action", target: ACME_INCIDENT.action, window: acmeIncidentWindow(Date.now()), title: "changed-files tags re-pointed (steps 5 and 6)" },
  });
  expect(started.status()).toBe(201);
  const { data } = (await started.json()) as { data: { id: string } };
  await page.goto(`/orgs/acme/incidents/${data.id}`);

  // The scope lists the release, linked to GitHub.
  const releases = page.getByTestId("scope-releases");
  await expect(releases).toContainText("Releases (1)");
  await expect(releases.getByRole("link", { name: "acme/sdk-js v2.4.1" })).toHaveAttribute("href", "https://github.com/acme/sdk-js/releases/tag/v2.4.1");

  // Step 5: the release's own item; "done" asks for its evidence in the same form.
  const step5 = page.locator('[data-testid="step"][data-step="5"]');
  const release = step5.locator('[data-testid="checklist-item"][data-item-kind="rebuild-release"]');
  await expect(release).toHaveCount(1);
  await expect(release).toContainText("Rebuild acme/sdk-js v2.4.1 from a clean runner");
  await expect(release).toContainText("also publish to npm");
  await expect(release.getByRole("link", { name: "https://github.com/acme/sdk-js/releases/tag/v2.4.1" })).toBeVisible();
  await expect(release.getByLabel(/^Evidence/)).toHaveCount(0);
  await release.getByLabel("Status", { exact: true }).selectOption("done");
  const evidence = release.getByLabel("Evidence (the new release, the run that built it)");
  await expect(evidence).toBeVisible();
  await evidence.fill("Rebuilt as v2.4.2 from main after pinning changed-files: https://github.com/acme/sdk-js/releases/tag/v2.4.2");
  await release.getByRole("button", { name: "Save status" }).click();
  await expect(release).toHaveAttribute("data-status", "done");
  await expect(release).toContainText("Evidence (1)");
  await expect(release).toContainText("Rebuilt as v2.4.2");

  // Step 6: the public repository's logs, a dry run first, then deleted on GitHub.
  const step6 = page.locator('[data-testid="step"][data-step="6"]');
  const logs = step6.locator('[data-testid="checklist-item"][data-item-kind="delete-run-logs"]');
  await expect(logs).toContainText("acme/sdk-js is public");
  await step6.getByRole("button", { name: "Delete run logs (1 public repository)" }).click();
  const plan = step6.getByTestId("bulk-delete-run-logs").getByTestId("action-results");
  await expect(plan).toContainText("Dry run");
  await expect(plan).toContainText("DELETE /repos/acme/sdk-js/actions/runs/{each completed run inside the window}/logs");
  await new AxeBuilder({ page }).analyze().then((r) => expect(r.violations.map((v) => `${v.id} ${v.nodes[0]?.target.join(" ")}`)).toEqual([]));
  await step6.getByRole("button", { name: /^Confirm: delete the logs of the runs inside the window in 1 public repository/ }).click();
  await expect(step6.getByTestId("bulk-delete-run-logs").getByTestId("action-results")).toContainText("delete-run-logs: 1 of 1 item(s) done.", { timeout: 60_000 });
  await expect(logs).toHaveAttribute("data-status", "done");
  await expect(logs).toContainText(/logs of 1 completed run\(s\) inside the window deleted: \d+/);
});
