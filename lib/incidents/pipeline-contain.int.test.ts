// Containing Buildkite and Tekton pipelines from an incident (issue 14) against the real
// Buildkite and Kubernetes simulators: acme synced from the GitHub simulator (its repositories
// hold .buildkite/ and .tekton/ pipelines), pipeline sources inserted as an admin's form would
// leave them (sealed read and responder credentials, the snapshot of a real read). A dry run
// writes nothing outside (a cluster's is the API server's dryRun=All) and goes on the timeline;
// applying makes exactly the planned writes, keeps one pipeline_containment per target and
// finishes the item; without responder credentials or a source, a clear refusal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import type { SessionUser } from "@/lib/authz/actor";
import { auditEvents, incidentEvents, incidentItems, pipelineContainments, pipelineSources } from "@/lib/db/schema";
import { executeUseCase } from "@/lib/door/use-case";
import { startSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import type { GithubSim } from "@/sim/github";
import { stopQueue } from "@/lib/jobs/queue";
import { connectedSimOrg, syncSimOrg } from "@/lib/testing/simulator-org";
import { startBuildkiteSim, type BuildkiteSim } from "@/sim/buildkite";
import { buildkiteAcme, buildkiteAcmeTokens } from "@/sim/fixtures/buildkite-acme";
import { startKubernetesSim, type KubeSim } from "@/sim/kubernetes";
import { K8S_ACME_TOKENS, k8sAcme, k8sAcmeTokens } from "@/sim/fixtures/k8s-acme";
import { readBuildkiteOrg } from "@/lib/buildkite/read";
import { readCluster } from "@/lib/kubernetes/read";
import { CREDENTIALS_PURPOSE, RESPONDER_CREDENTIALS_PURPOSE, sealCredentials } from "@/lib/pipeline-sources/connection";
import type { PipelineSourceSnapshot } from "@/lib/db/schema/pipeline-sources";
import { startIncident } from "./incident-service";
import { getIncidentDetail } from "./incident-repo";
import { incidentMarkdown } from "./report";
import { containPipeline, type PipelineContainmentDto } from "./pipeline-contain";

let handle: DatabaseHandle;
let github: GithubSim;
let bk: BuildkiteSim;
let kube: KubeSim;
let org: { id: string; slug: string };
let responder: SessionUser;
let other: TestOrg;

const kubeconfig = (token: string) =>
  ["apiVersion: v1", "kind: Config", "clusters:", "- name: acme-prod", "  cluster:", `    server: ${kube.url}`, "    insecure-skip-tls-verify: true", "users:", "- name: gatehouse", "  user:", `    token: ${token}`, "contexts:", "- name: acme-prod", "  context:", "    cluster: acme-prod", "    user: gatehouse", "current-context: acme-prod", ""].join("\n");

/** A pipeline source as an admin's form and a first read leave it. */
async function insertSource(orgId: string, row: { kind: "buildkite" | "kubernetes"; name: string; settings: Record<string, string>; read: Record<string, string>; responder: Record<string, string> | null; snapshot: PipelineSourceSnapshot }) {
  const [s] = await handle.db
    .insert(pipelineSources)
    .values({
      orgId,
      kind: row.kind,
      name: row.name,
      settings: row.settings,
      credentialsSealed: sealCredentials(row.read, CREDENTIALS_PURPOSE),
      credentialsFrom: "stored",
      responderCredentialsSealed: row.responder ? sealCredentials(row.responder, RESPONDER_CREDENTIALS_PURPOSE) : null,
      responderCredentialsFrom: row.responder ? "stored" : "none",
      status: "ok",
      snapshot: row.snapshot,
      lastReadAt: new Date(),
      lastGoodReadAt: new Date(),
      createdBy: "admin@example.test",
    })
    .returning();
  return s!;
}

beforeAll(async () => {
  process.env.AUTH_SECRET ??= "pipeline-contain-test-auth-secret-0123456789";
  bk = await startBuildkiteSim({ fixture: buildkiteAcme, tokens: buildkiteAcmeTokens });
  kube = await startKubernetesSim({ fixture: k8sAcme(), tokens: k8sAcmeTokens(), tektonController: true });
  handle = await openTestDatabase();
  github = await startSim({ acme: { id: 894_001 } });
  useSimulatorApp(github);
  const connected = await connectedSimOrg(handle, github, "acme", "responder");
  org = { id: connected.id, slug: connected.slug };
  responder = connected.member;
  other = await createTestOrg(handle.db);
  await syncSimOrg(handle, org.id);
}, 180_000);
afterAll(async () => {
  await stopQueue();
  await github.close();
  await bk.close();
  await kube.close();
  await handle.close();
});

async function as<T>(who: SessionUser, input: Record<string, unknown>, orgSlug = org.slug): Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }> {
  return executeUseCase(handle, who, containPipeline, { orgSlug, ...input }, testMeta()) as never;
}

async function pipelineItem(repo: string): Promise<{ incidentId: string; itemId: string; command: string | null }> {
  const r = await executeUseCase(handle, responder, startIncident, { orgSlug: org.slug, kind: "repository", target: repo, title: `${repo} compromised` }, testMeta());
  if (!r.ok) throw new Error(r.error.message);
  const id = (r.data as { id: string }).id;
  const d = await getIncidentDetail(handle.db, org.id, id);
  const item = d.steps[0]!.items.find((i) => i.kind === "contain-pipeline");
  expect(item, `a contain-pipeline item for ${repo}`).toBeTruthy();
  return { incidentId: id, itemId: item!.id, command: item!.command };
}

const itemRow = async (id: string) => (await handle.db.select().from(incidentItems).where(eq(incidentItems.id, id)))[0]!;
const timeline = (incidentId: string) => handle.db.select().from(incidentEvents).where(eq(incidentEvents.incidentId, incidentId));
const containments = (itemId: string) => handle.db.select().from(pipelineContainments).where(and(eq(pipelineContainments.orgId, org.id), eq(pipelineContainments.itemId, itemId)));

describe("Buildkite: archiving the pipelines of acme/payments-service and cancelling their builds", () => {
  let incidentId: string;
  let itemId: string;
  let command: string | null;

  it("without a source: a dry run says so and hands the commands; applying is refused", async () => {
    ({ incidentId, itemId, command } = await pipelineItem("acme/payments-service"));
    const dry = await as<PipelineContainmentDto>(responder, { incidentId, itemId, dryRun: true });
    expect(dry).toMatchObject({ ok: true, data: { status: "manual", targets: [], commands: command } });
    if (dry.ok) expect(dry.data.summary).toContain("No Buildkite source of this organisation shows a pipeline of acme/payments-service");
    const apply = await as(responder, { incidentId, itemId });
    expect(apply).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringContaining("Settings → Pipelines") } });
    expect((await itemRow(itemId)).status).toBe("todo");
  });

  it("a source without responder credentials: the dry run plans with the read token; applying is refused saying what to add", async () => {
    const conn = { apiUrl: bk.url, orgSlug: "acme", token: "bkua_acme_reader" };
    const read = await readBuildkiteOrg(conn);
    const source = await insertSource(org.id, { kind: "buildkite", name: "Buildkite acme", settings: { apiUrl: bk.url, orgSlug: "acme" }, read: { token: "bkua_acme_reader" }, responder: null, snapshot: { kind: "buildkite", read } });
    const writes = bk.writeLog.length;
    const dry = await as<PipelineContainmentDto>(responder, { incidentId, itemId, dryRun: true });
    if (!dry.ok) throw new Error(dry.error.message);
    expect(dry.data.targets.map((t) => [t.target, t.writeAccess, t.status])).toEqual([
      ["pipeline acme/payments", false, "planned"],
      ["pipeline acme/payments-deploy", false, "planned"],
    ]);
    expect(dry.data.summary).toContain("add responder credentials in Settings → Pipelines");
    expect(dry.data.commands).toBe(command);
    expect(bk.writeLog.length).toBe(writes);
    const apply = await as(responder, { incidentId, itemId });
    expect(apply).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringContaining("Buildkite acme: This source has no responder credentials") } });
    // The next tests give it a responder token.
    await handle.db.update(pipelineSources).set({ responderCredentialsSealed: sealCredentials({ token: "bkua_acme_responder" }, RESPONDER_CREDENTIALS_PURPOSE), responderCredentialsFrom: "stored" }).where(eq(pipelineSources.id, source.id));
  });

  it("a dry run lists the exact calls, writes nothing and goes on the timeline", async () => {
    const writes = bk.writeLog.length;
    const dry = await as<PipelineContainmentDto>(responder, { incidentId, itemId, dryRun: true });
    if (!dry.ok) throw new Error(dry.error.message);
    expect(bk.writeLog.length).toBe(writes);
    const payments = dry.data.targets.find((t) => t.target === "pipeline acme/payments")!;
    expect(payments).toMatchObject({ writeAccess: true, status: "planned" });
    expect(payments.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "PUT /v2/organizations/acme/pipelines/payments/builds/1042/cancel",
      "PUT /v2/organizations/acme/pipelines/payments/builds/1043/cancel",
      "POST /v2/organizations/acme/pipelines/payments/archive",
    ]);
    expect(dry.data.commands).toBeNull();
    expect(await containments(itemId)).toEqual([]);
    expect((await itemRow(itemId)).status).toBe("todo");
    const events = await timeline(incidentId);
    expect(events.filter((e) => e.message.startsWith("Dry run of containing")).at(-1)).toMatchObject({ type: "action_result", data: { action: "contain-pipeline", dryRun: true, status: "planned" } });
  });

  it("another org's member: not found, nothing written", async () => {
    const writes = bk.writeLog.length;
    const r = await as(other.users.responder, { incidentId, itemId }, org.slug);
    expect(r).toMatchObject({ ok: false, error: { code: "not_found" } });
    const own = await as(other.users.responder, { incidentId, itemId }, other.slug);
    expect(own).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(bk.writeLog.length).toBe(writes);
    expect(await containments(itemId)).toEqual([]);
  });

  it("applying cancels the builds and archives both pipelines, records each containment and finishes the item", async () => {
    const writes = bk.writeLog.length;
    const r = await as<PipelineContainmentDto>(responder, { incidentId, itemId });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.data.status).toBe("contained");
    const made = bk.writeLog.slice(writes).map((w) => `${w.method} ${w.path} ${w.status} ${w.tokenId}`);
    expect(made).toEqual([
      "PUT /v2/organizations/acme/pipelines/payments/builds/1042/cancel 200 gatehouse-responder",
      "PUT /v2/organizations/acme/pipelines/payments/builds/1043/cancel 200 gatehouse-responder",
      "POST /v2/organizations/acme/pipelines/payments/archive 200 gatehouse-responder",
      "PUT /v2/organizations/acme/pipelines/payments-deploy/builds/88/cancel 200 gatehouse-responder",
      "POST /v2/organizations/acme/pipelines/payments-deploy/archive 200 gatehouse-responder",
    ]);
    expect(bk.control.pipeline("payments")!.archivedAt).not.toBeNull();
    const rows = await containments(itemId);
    expect(rows.map((c) => [c.kind, c.target, c.outcome, c.appliedBy]).sort()).toEqual([
      ["buildkite", "pipeline acme/payments", "contained", responder.email],
      ["buildkite", "pipeline acme/payments-deploy", "contained", responder.email],
    ]);
    expect(rows.find((c) => c.target === "pipeline acme/payments")!.evidence).toContain("Pipeline payments is archived (archived_at " + bk.control.pipeline("payments")!.archivedAt + ").");
    const item = await itemRow(itemId);
    expect(item).toMatchObject({ status: "done", statusReason: null });
    expect(item.evidence.at(-1)!.text).toContain("contain-pipeline (Buildkite acme, pipeline acme/payments-deploy): contained");
    const events = await timeline(incidentId);
    expect(events.at(-1)).toMatchObject({ type: "action_result", data: { action: "contain-pipeline", status: "contained", containmentIds: expect.arrayContaining(rows.map((c) => c.id)) } });
    // No token anywhere Gatehouse keeps.
    const audit = await handle.db.select().from(auditEvents).where(eq(auditEvents.orgId, org.id));
    const kept = JSON.stringify([rows, item, events, audit]);
    for (const token of Object.keys(buildkiteAcmeTokens)) expect(kept).not.toContain(token);
    expect(audit.filter((a) => a.action.startsWith("incident.contain_pipeline")).map((a) => a.action)).toContain("incident.contain_pipeline.outcome");
    // The detail and the report list them.
    const detail = await getIncidentDetail(handle.db, org.id, incidentId);
    expect(detail.containments.map((c) => [c.target, c.outcome])).toEqual(expect.arrayContaining([["pipeline acme/payments", "contained"]]));
    expect(incidentMarkdown(detail)).toMatch(/## Pipeline containments[\s\S]*\| pipeline acme\/payments-deploy \| Buildkite \| contained \|/);
  });
});

describe("Buildkite: a responder token without the write scopes", () => {
  it("changes nothing, keeps the refused plan as a failed containment and leaves the item open with why", async () => {
    const [source] = await handle.db.select().from(pipelineSources).where(and(eq(pipelineSources.orgId, org.id), eq(pipelineSources.name, "Buildkite acme")));
    await handle.db.update(pipelineSources).set({ responderCredentialsSealed: sealCredentials({ token: "bkua_acme_reader" }, RESPONDER_CREDENTIALS_PURPOSE) }).where(eq(pipelineSources.id, source!.id));
    const { incidentId, itemId } = await pipelineItem("acme/mobile-app");
    const writes = bk.writeLog.length;
    const r = await as<PipelineContainmentDto>(responder, { incidentId, itemId });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.data.status).toBe("failed");
    expect(bk.writeLog.length).toBe(writes);
    const rows = await containments(itemId);
    expect(rows.map((c) => [c.target, c.outcome]).sort()).toEqual([
      ["pipeline acme/mobile", "failed"],
      ["pipeline acme/mobile-release", "failed"],
    ]);
    expect(rows[0]!.evidence.join(" ")).toMatch(/write_pipelines/);
    const item = await itemRow(itemId);
    expect(item.status).toBe("failed");
    expect(item.statusReason).toMatch(/^Not contained through Buildkite acme\./);
    expect(item.statusReason).toMatch(/write_pipelines/);
  });
});

describe("Tekton: removing acme/k8s-platform's Repository, cancelling its runs, deleting its accounts' token secrets", () => {
  let incidentId: string;
  let itemId: string;

  beforeAll(async () => {
    const read = await readCluster({ kubeconfig: kubeconfig(K8S_ACME_TOKENS.reader.token) });
    await insertSource(org.id, {
      kind: "kubernetes",
      name: "acme-prod",
      settings: {},
      read: { kubeconfig: kubeconfig(K8S_ACME_TOKENS.reader.token) },
      responder: { kubeconfig: kubeconfig(K8S_ACME_TOKENS.responder.token) },
      snapshot: { kind: "kubernetes", read },
    });
    ({ incidentId, itemId } = await pipelineItem("acme/k8s-platform"));
  }, 60_000);

  it("a dry run is the API server's dryRun=All: its answers are shown, nothing is stored", async () => {
    const before = kube.writeLog.length;
    const dry = await as<PipelineContainmentDto>(responder, { incidentId, itemId, dryRun: true });
    if (!dry.ok) throw new Error(dry.error.message);
    const [t] = dry.data.targets;
    expect(t).toMatchObject({ target: "Repository acme-ci/acme-platform", writeAccess: true, status: "planned" });
    expect(t!.calls.map((c) => `${c.method} ${c.path}`)).toEqual(
      expect.arrayContaining([
        "DELETE /apis/pipelinesascode.tekton.dev/v1alpha1/namespaces/acme-ci/repositories/acme-platform",
        "PATCH /apis/tekton.dev/v1/namespaces/acme-ci/pipelineruns/platform-deploy-x7k2p",
        "DELETE /api/v1/namespaces/acme-ci/secrets/pipeline-deployer-token",
      ]),
    );
    expect(t!.serverDryRun.length).toBe(t!.calls.length);
    expect(t!.serverDryRun.every((l) => l.includes("?dryRun=All → 200"))).toBe(true);
    const sent = kube.writeLog.slice(before);
    expect(sent.length).toBe(t!.calls.length);
    expect(sent.every((w) => w.dryRun)).toBe(true);
    expect(kube.control.object("repositories", "acme-ci", "acme-platform")).toBeTruthy();
    expect(await containments(itemId)).toEqual([]);
  });

  it("applying removes the Repository, cancels the runs, deletes the token secrets, and records it", async () => {
    const before = kube.writeLog.length;
    const r = await as<PipelineContainmentDto>(responder, { incidentId, itemId });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.data.status).toBe("contained");
    const real = kube.writeLog.slice(before).filter((w) => !w.dryRun);
    expect(real.map((w) => `${w.verb} ${w.path} ${w.status}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DELETE \/apis\/pipelinesascode\.tekton\.dev\/v1alpha1\/namespaces\/acme-ci\/repositories\/acme-platform 200/),
        expect.stringMatching(/^PATCH \/apis\/tekton\.dev\/v1\/namespaces\/acme-ci\/pipelineruns\/platform-deploy-x7k2p 200/),
        expect.stringMatching(/^DELETE \/api\/v1\/namespaces\/acme-ci\/secrets\/pipeline-deployer-token 200/),
        expect.stringMatching(/^DELETE \/api\/v1\/namespaces\/acme-ci\/secrets\/pipeline-deployer-ci-token 200/),
      ]),
    );
    expect(real.every((w) => w.user === K8S_ACME_TOKENS.responder.user)).toBe(true);
    expect(kube.control.object("repositories", "acme-ci", "acme-platform")).toBeFalsy();
    expect(kube.control.objects("secrets", "acme-ci").map((s) => s.metadata.name)).not.toContain("pipeline-deployer-token");
    expect(kube.control.object("pipelineruns", "acme-ci", "platform-deploy-x7k2p")?.spec).toMatchObject({ status: "Cancelled" });
    const [row] = await containments(itemId);
    expect(row).toMatchObject({ kind: "kubernetes", target: "Repository acme-ci/acme-platform", outcome: "contained" });
    expect((row!.plan as { previous: { repositories: unknown[] } }).previous.repositories).toHaveLength(1);
    expect(row!.evidence).toContain("repository acme-ci/acme-platform: absent");
    expect(await itemRow(itemId)).toMatchObject({ status: "done" });
    const kept = JSON.stringify([row, await itemRow(itemId), await timeline(incidentId), await handle.db.select().from(auditEvents).where(eq(auditEvents.orgId, org.id))]);
    for (const { token } of Object.values(K8S_ACME_TOKENS)) expect(kept).not.toContain(token);
  });
});
