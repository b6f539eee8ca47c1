import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// Issue 14: Buildkite and Tekton pipelines of the demo's repositories sit in the same inventory
// as the GitHub workflows — filtered by system, with their credentials and owners, in a blast
// radius, and in an incident started from one of them.

test("the workflows view filtered by CI system shows Buildkite and Tekton pipelines with credentials and owners", async ({ page }) => {
  await signIn(page, "viewer@acme.test");
  await page.goto("/orgs/acme/workflows?system=buildkite");
  await expect(page.getByLabel("CI system")).toHaveValue("buildkite");
  const rows = page.getByTestId("workflow-row");
  await expect(rows).toHaveCount(2);
  const payments = rows.filter({ hasText: "acme/payments-service" });
  await expect(payments).toContainText(".buildkite/pipeline.yml");
  await expect(payments).toContainText("Buildkite");
  await expect(payments).toContainText("PAYMENTS_DEPLOY_TOKEN");
  await expect(payments).toContainText("@acme/payments");
  await expect(rows.filter({ hasText: "acme/mobile-app" })).toContainText("@acme/mobile");

  await page.goto("/orgs/acme/workflows?system=tekton");
  await expect(rows).toHaveCount(2);
  for (const path of [".tekton/pull-request.yaml", ".tekton/push.yaml"]) {
    const row = rows.filter({ hasText: path });
    await expect(row).toContainText("acme/k8s-platform");
    await expect(row).toContainText("@acme/platform");
    await expect(row).toContainText("pipeline-deployer");
  }

  // A step of the Buildkite pipeline: its secret is Buildkite's, not a GitHub secret.
  await page.goto("/orgs/acme/workflows?system=buildkite");
  await payments.getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "Steps", exact: false })).toBeVisible();
  await expect(page.getByTestId("job-secret").filter({ hasText: "PAYMENTS_DEPLOY_TOKEN" }).first()).toContainText("held by Buildkite");
  // What only the Buildkite API says, from the demo's Buildkite source: the pipeline building the
  // file builds forks' pull requests, and its steps share the deploy queue.
  const live = page.getByTestId("live-facts");
  await expect(live.getByTestId("live-pipeline").filter({ hasText: "payments" }).first()).toBeVisible();
  await expect(live.getByTestId("live-finding").filter({ hasText: /fork/i }).first()).toBeVisible();
  // The file's own source findings are its findings, with triage, beside the analyser's.
  await expect(page.getByTestId("finding").filter({ hasText: "buildkite-fork-builds-deploy-queue" }).first()).toContainText("from the Buildkite source");

  // And from the cluster, on the Tekton pull-request pipeline: its account is cluster-admin.
  await page.goto("/orgs/acme/workflows?system=tekton");
  await rows.filter({ hasText: ".tekton/pull-request.yaml" }).getByRole("link").first().click();
  await expect(live.getByTestId("live-service-account").filter({ hasText: "pipeline-deployer" }).first()).toContainText(/cluster-admin/);
});

test("the blast radius of a Buildkite secret and of a Tekton service account lists their pipelines; an incident from one contains it", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, "responder@acme.test");
  await page.goto("/orgs/acme/blast-radius?type=secret&id=PAYMENTS_DEPLOY_TOKEN");
  await expect(page.getByTestId("blast-job").filter({ hasText: "acme/payments-service · .buildkite/pipeline.yml" }).first()).toBeVisible();

  await page.goto("/orgs/acme/blast-radius?type=identity&id=pipeline-deployer");
  await expect(page.getByTestId("blast-job").filter({ hasText: "acme/k8s-platform · .tekton/pull-request.yaml" }).first()).toBeVisible();
  await expect(page.getByTestId("blast-job").filter({ hasText: "acme/k8s-platform · .tekton/push.yaml" }).first()).toBeVisible();

  // From the Buildkite pipeline's page to an incident whose checklist contains it.
  await page.goto("/orgs/acme/workflows?system=buildkite&q=payments-service");
  await page.getByTestId("workflow-row").first().getByRole("link").first().click();
  await page.getByRole("link", { name: "Start an incident", exact: true }).click();
  const form = page.getByRole("form", { name: "New incident" });
  await expect(form.getByLabel("What is compromised")).toHaveValue("workflow");
  await form.getByLabel("Title").fill("payments Buildkite pipeline compromised");
  await form.getByRole("button", { name: "Start incident" }).click();
  await expect(page).toHaveURL(/\/orgs\/acme\/incidents\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("scope-workflows")).toContainText("acme/payments-service/.buildkite/pipeline.yml");
  const step1 = page.locator('[data-testid="step"][data-step="1"]');
  await expect(step1.getByTestId("checklist-item").filter({ hasText: "Archive the Buildkite pipeline running acme/payments-service/.buildkite/pipeline.yml" })).toBeVisible();
  // No GitHub "disable" for a file GitHub does not run.
  await expect(step1.getByRole("button", { name: /^Disable all/ })).toHaveCount(0);
  const step3 = page.locator('[data-testid="step"][data-step="3"]');
  await expect(step3.getByTestId("checklist-item").filter({ hasText: "PAYMENTS_DEPLOY_TOKEN" }).first()).toBeVisible();

  // The demo's Buildkite source has write access (BUILDKITE_RESPONDER_TOKEN): a dry run shows the
  // calls for every pipeline building the repository, then the containment runs and is verified.
  const contain = step1.getByTestId("checklist-item").filter({ hasText: "Archive the Buildkite pipeline" }).getByTestId("pipeline-contain");
  await contain.getByRole("button", { name: "Dry run" }).click();
  const result = contain.getByTestId("contain-result");
  await expect(result).toHaveAttribute("data-status", "planned");
  await expect(result.getByTestId("contain-target")).toHaveCount(2);
  await expect(result).toContainText("payments-deploy");
  await contain.getByRole("button", { name: "Contain through Buildkite" }).click();
  // Contained and verified: the item is done (step 1 folds its finished items), its evidence and the timeline say so.
  await expect(step1).toContainText("1 / 1 finished", { timeout: 30_000 });
  await step1.getByText(/All 1 finished/).click();
  const done = step1.getByTestId("checklist-item").filter({ hasText: "Archive the Buildkite pipeline" });
  await expect(done).toContainText(/archived/i);
  await expect(page.getByTestId("timeline")).toContainText(/contained/i);
});
