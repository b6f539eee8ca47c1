import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// Where a responder starts an incident besides the blast radius, a workflow and a secret: an
// identity (a cloud role), a job, and the self-hosted runners a job runs on. Each link opens the
// new-incident form filled in with its target; a viewer sees none of them.

async function terraformWorkflowId(page: import("@playwright/test").Page): Promise<string> {
  const res = await page.request.get(`/api/v1/orgs/acme/workflows?q=${encodeURIComponent("acme/infra")}&size=100`);
  const body = (await res.json()) as { data: { rows: { id: string; repository: string; path: string }[] } };
  const id = body.data.rows.find((r) => r.repository === "acme/infra" && r.path === ".github/workflows/terraform.yml")?.id;
  expect(id, "acme/infra's terraform.yml is in the demo inventory").toBeTruthy();
  return id!;
}

test("an identity, a job and a job's self-hosted runners start an incident about themselves", async ({ page }) => {
  await signIn(page, "responder@acme.test");
  await page.goto("/orgs/acme/secrets?tab=identities&q=gh-terraform-apply");
  const role = page.locator('[data-testid="identity-row"][data-kind="aws-role"]').filter({ hasText: "gh-terraform-apply" }).first();
  const identifier = (await role.locator("div.font-mono").first().innerText()).trim();
  await role.getByRole("link", { name: `Start an incident for ${identifier}` }).click();
  await expect(page).toHaveURL(/\/orgs\/acme\/incidents\?kind=identity&target=/);
  await expect(page.getByLabel("What is compromised")).toHaveValue("identity");
  await expect(page.getByLabel("Target")).toHaveValue(identifier);

  const workflowId = await terraformWorkflowId(page);
  await page.goto(`/orgs/acme/workflows/${workflowId}`);
  const apply = page.getByTestId("job-card").filter({ has: page.getByRole("link", { name: "Start an incident for job apply" }) });
  await expect(apply).toContainText("self-hosted");
  const jobId = await apply.getAttribute("aria-labelledby");
  await apply.getByRole("link", { name: "Start an incident for job apply" }).click();
  await expect(page.getByLabel("What is compromised")).toHaveValue("job");
  await expect(page.getByLabel("Target")).toHaveValue(jobId!.replace(/^job-/, ""));

  await page.goto(`/orgs/acme/workflows/${workflowId}`);
  // [self-hosted, linux, infra]: "infra" names these runners; the generic labels would take in every runner.
  await expect(page.getByRole("link", { name: "Start an incident for the runners labelled linux" })).toHaveCount(0);
  await page.getByRole("link", { name: "Start an incident for the runners labelled infra" }).click();
  await expect(page.getByLabel("What is compromised")).toHaveValue("runner");
  await expect(page.getByLabel("Target")).toHaveValue("infra");
});

test("a viewer gets no incident links on identities and jobs", async ({ page }) => {
  await signIn(page, "viewer@acme.test");
  await page.goto("/orgs/acme/secrets?tab=identities");
  await expect(page.getByTestId("identity-row").first()).toBeVisible();
  await expect(page.getByRole("link", { name: /^Start an incident/ })).toHaveCount(0);
  await page.goto(`/orgs/acme/workflows/${await terraformWorkflowId(page)}`);
  await expect(page.getByTestId("job-card").first()).toBeVisible();
  await expect(page.getByRole("link", { name: /^Start an incident/ })).toHaveCount(0);
});
