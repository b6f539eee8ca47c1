import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

// Issue 11 item 5 in the demo: an admin adds acme's AWS account as an API trust source
// (credentials from the server's environment: the read-only key; write access from its
// responder variables), sees the over-broad role flagged with the jobs that could but do not use
// it, starts an incident from the deploy role gh-api-deploy and revokes its sessions after a dry
// run. The AWS simulator (scripts/lib/stack.ts: E2E_PORT + 3) then shows exactly one
// PutRolePolicy of AWSRevokeOlderSessions whose aws:TokenIssueTime is the moment of revocation.
// The source is removed at the end: e2e/trust-sources.spec.ts adds the same roles from an export.

const AWS_SIM = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 3}`;
const ARN = "arn:aws:iam::210987654321:role/gh-api-deploy";

interface Write {
  action: string;
  roleName: string;
  policyName?: string;
  document?: string;
}
async function writeLog(page: Page): Promise<Write[]> {
  const res = await page.request.get(`${AWS_SIM}/_sim/write-log`);
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { writeLog: Write[] }).writeLog;
}

async function axeClean(page: Page) {
  const r = await new AxeBuilder({ page }).analyze();
  expect(r.violations.map((v) => `${v.id} ${v.nodes[0]?.target.join(" ")}`)).toEqual([]);
}

test("an admin adds the AWS account, starts an incident from the deploy role and revokes its sessions", async ({ page }) => {
  test.setTimeout(120_000);
  const name = `AWS acme API ${Date.now()}`;
  await signIn(page, "admin@acme.test");
  const origin = new URL(page.url()).origin;
  let sourceId: string | undefined;
  try {
    await page.goto("/orgs/acme/settings/cloud-trust");
    const add = page.getByRole("form", { name: "Add a trust source" });
    await add.getByLabel("Name", { exact: true }).fill(name);
    await add.getByLabel("Provider").selectOption("aws");
    await add.getByLabel("an API connection").check();
    await add.getByLabel("Region").fill("us-east-1");
    await add.getByLabel(/^Credentials/).selectOption("environment");
    await add.getByLabel(/Write access for revoking trust/).selectOption("environment");
    await add.getByRole("button", { name: "Add and read" }).click();
    await expect(page.getByRole("status")).toContainText(`${name} added: read 8 trust(s).`);
    const row = page.locator(`[data-testid="trust-source"][data-name="${name}"]`);
    await expect(row.getByTestId("write-access")).toHaveText("write access: yes (server's responder variables)");
    sourceId = (
      (await (await page.request.get("/api/v1/orgs/acme/trust-sources")).json()) as { data: { id: string; name: string }[] }
    ).data.find((s) => s.name === name)?.id;
    await axeClean(page);
    await page.screenshot({ path: "/work/shots/revoke-settings-write-access.png", fullPage: true });

    // The over-broad role, with the jobs that could assume it but never name it.
    await page.goto("/orgs/acme/trusts");
    const broad = page.locator('[data-testid="trust-row"][data-name="gh-search-ecr-push"]').filter({ hasText: name });
    await expect(broad).toContainText("trust-broader-than-use");
    await expect(broad.getByTestId("could-use")).toContainText("over-broad");

    // The deploy role's page starts an identity incident on it.
    await page.locator('[data-testid="trust-row"][data-name="gh-api-deploy"]').filter({ hasText: name }).getByRole("link", { name: "gh-api-deploy" }).click();
    await expect(page.getByRole("heading", { name: "gh-api-deploy" })).toBeVisible();
    await axeClean(page);
    await page.screenshot({ path: "/work/shots/revoke-trust-start-incident.png" });
    await page.getByRole("link", { name: `Start an incident for ${ARN}` }).click();
    await expect(page.getByLabel("What is compromised")).toHaveValue("identity");
    await expect(page.getByLabel("Target")).toHaveValue(ARN);
    await page.getByLabel("Title").fill("gh-api-deploy sessions stolen");
    await page.getByRole("button", { name: "Start incident" }).click();
    await expect(page).toHaveURL(/\/orgs\/acme\/incidents\/[0-9a-f-]{36}$/, { timeout: 30_000 });

    // Step 2: the dry run lists the exact document; nothing is written until confirmed.
    const step2 = page.locator('[data-testid="step"][data-step="2"]');
    const before = (await writeLog(page)).length;
    await step2.getByRole("button", { name: /^Revoke cloud trust \(\d+\)$/ }).click();
    const plan = step2.getByTestId("action-results");
    await expect(plan).toContainText("Dry run:");
    await expect(plan).toContainText("iam:PutRolePolicy");
    await expect(plan).toContainText("aws:TokenIssueTime");
    await expect(plan).toContainText("moment of revocation, not the incident's start");
    expect((await writeLog(page)).length).toBe(before);
    await axeClean(page);
    await page.screenshot({ path: "/work/shots/revoke-dry-run.png", fullPage: true });

    const t0 = Date.now();
    await step2.getByRole("button", { name: /^Confirm: revoke the cloud trust of \d+ identit/ }).click();
    await expect(step2.getByTestId("action-results")).toContainText("revoked and verified by re-reading", { timeout: 30_000 });
    const t1 = Date.now();
    const item = step2.locator('[data-testid="checklist-item"][data-item-kind="revoke-identity"]').filter({ hasText: "gh-api-deploy" });
    await expect(item).toContainText("Verified");

    const writes = (await writeLog(page)).slice(before);
    expect(writes.map((w) => `${w.action} ${w.roleName} ${w.policyName}`)).toEqual(["PutRolePolicy gh-api-deploy AWSRevokeOlderSessions"]);
    const doc = JSON.parse(writes[0]!.document!) as { Statement: { Effect: string; Action: string; Condition: { DateLessThan: Record<string, string> } } };
    expect(doc.Statement).toMatchObject({ Effect: "Deny", Action: "*" });
    const at = Date.parse(doc.Statement.Condition.DateLessThan["aws:TokenIssueTime"]!);
    // The moment of revocation, in whole seconds rounded up: inside the test's window.
    expect(at).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000);
    expect(at).toBeLessThanOrEqual(Math.ceil(t1 / 1000) * 1000);
    await axeClean(page);
    await page.screenshot({ path: "/work/shots/revoke-verified.png", fullPage: true });
  } finally {
    // Its trusts go with it, so e2e/trust-sources.spec.ts sees only its own export's roles.
    if (sourceId) expect((await page.request.delete(`/api/v1/orgs/acme/trust-sources/${sourceId}`, { headers: { origin }, data: {} })).status()).toBe(200);
  }
});
