// Pipeline sources end to end against the Buildkite and Kubernetes simulators (acme's
// organization and cluster acme-prod): an admin adds a Buildkite organization and a cluster with
// stored credentials and reads them; the environment's sources are added as Gatehouse and read by
// a sync; a failed read keeps the last snapshot and says what to do; environment credentials are
// refused with an endpoint of the source's own; no secret reaches a DTO or an audit row; another
// organisation's source is not found.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import { auditEvents, pipelineSources } from "@/lib/db/schema";
import { executeUseCase, type AnyUseCase } from "@/lib/door/use-case";
import { startBuildkiteSim, type BuildkiteSim } from "@/sim/buildkite";
import { startKubernetesSim, type KubeSim } from "@/sim/kubernetes";
import { buildkiteAcme, buildkiteAcmeTokens } from "@/sim/fixtures/buildkite-acme";
import { K8S_ACME_TOKENS, k8sAcme, k8sAcmeTokens } from "@/sim/fixtures/k8s-acme";
import { CREDENTIALS_PURPOSE, sealCredentials } from "./connection";
import { createPipelineSource, readPipelineSourceNow, removePipelineSource, setPipelineResponderCredentials } from "./pipeline-sources-service";
import { listPipelineSources } from "./pipeline-sources-repo";
import { syncOrgPipelineSources } from "./sync-sources";
import { addEnvironmentPipelineSources } from "./system-sources";
import type { PipelineReadOutcomeDto, PipelineSourceDto } from "./pipeline-sources-dto";

process.env.AUTH_SECRET ??= "pipeline-sources-test-auth-secret-0123456789";

const SECRETS = ["bkua_acme_reader", "bkua_acme_responder", "bkua_acme_wrong", K8S_ACME_TOKENS.reader.token, K8S_ACME_TOKENS.responder.token];

let handle: DatabaseHandle;
let bk: BuildkiteSim;
let k8s: KubeSim;
let org: TestOrg;
let other: TestOrg;

const kubeconfig = (token: string, server = k8s.url): string =>
  ["apiVersion: v1", "kind: Config", "clusters:", "- name: acme-prod", "  cluster:", `    server: ${server}`, "    insecure-skip-tls-verify: true", "users:", "- name: gatehouse", "  user:", `    token: ${token}`, "contexts:", "- name: acme-prod", "  context:", "    cluster: acme-prod", "    user: gatehouse", "current-context: acme-prod", ""].join("\n");

beforeAll(async () => {
  // The environment is parsed once (lib/env.ts): the simulators' URLs go in before anything reads it.
  bk = await startBuildkiteSim({ fixture: buildkiteAcme, tokens: buildkiteAcmeTokens });
  k8s = await startKubernetesSim({ fixture: k8sAcme(), tokens: k8sAcmeTokens() });
  const dir = mkdtempSync(path.join(tmpdir(), "psrc-"));
  writeFileSync(path.join(dir, "reader.kubeconfig"), kubeconfig(K8S_ACME_TOKENS.reader.token));
  writeFileSync(path.join(dir, "responder.kubeconfig"), kubeconfig(K8S_ACME_TOKENS.responder.token));
  Object.assign(process.env, {
    BUILDKITE_API_URL: bk.url,
    BUILDKITE_API_TOKEN: "bkua_acme_reader",
    BUILDKITE_RESPONDER_TOKEN: "bkua_acme_responder",
    KUBECONFIG: path.join(dir, "reader.kubeconfig"),
    KUBE_RESPONDER_KUBECONFIG: path.join(dir, "responder.kubeconfig"),
  });
  handle = await openTestDatabase();
  org = await createTestOrg(handle.db);
  other = await createTestOrg(handle.db);
}, 60_000);
afterAll(async () => {
  await bk?.close();
  await k8s?.close();
  await handle?.close();
});

const run = (useCase: AnyUseCase, input: Record<string, unknown>, as = org.users.admin, slug = org.slug) => executeUseCase(handle, as, useCase, { orgSlug: slug, ...input }, testMeta());
const create = async (input: Record<string, unknown>) => {
  const r = await run(createPipelineSource, input);
  if (!r.ok) throw new Error(r.error.message);
  return r.data as PipelineSourceDto;
};
const readNow = async (sourceId: string) => {
  const r = await run(readPipelineSourceNow, { sourceId });
  if (!r.ok) throw new Error(r.error.message);
  return r.data as PipelineReadOutcomeDto;
};
const listed = async (name: string) => (await listPipelineSources(handle.db, org.id)).find((s) => s.name === name)!;

describe("an admin's Buildkite organization and cluster, stored credentials", () => {
  it("adds and reads a Buildkite organization: its figures, no secret in the answer", async () => {
    const source = await create({ name: "Buildkite: acme", kind: "buildkite", settings: { orgSlug: "acme", apiUrl: bk.url }, credentialsFrom: "stored", credentials: { token: "bkua_acme_reader" } });
    expect(source).toMatchObject({ kind: "buildkite", status: "never", credentialsFrom: "stored", responderCredentialsFrom: "none", summary: null, findings: [] });
    const read = await readNow(source.id);
    expect(read).toMatchObject({ status: "ok", message: null, summary: { kind: "buildkite", organization: "Acme", pipelines: 4, forkPullRequestPipelines: 1, clusters: 2, teamsRead: true } });
    const after = await listed("Buildkite: acme");
    expect(after).toMatchObject({ status: "ok", statusMessage: null, summary: { kind: "buildkite", pipelines: 4 } });
    expect(after.lastGoodReadAt).toBe(after.lastReadAt);
    expect(after.summary?.kind === "buildkite" && after.summary.tokenScopes).toContain("read_pipelines");
  });

  it("adds and reads a cluster through a kubeconfig, only the namespaces named", async () => {
    const source = await create({ name: "cluster acme-prod", kind: "kubernetes", settings: { namespaces: ["acme-ci"] }, credentialsFrom: "stored", credentials: { kubeconfig: kubeconfig(K8S_ACME_TOKENS.reader.token) } });
    const read = await readNow(source.id);
    expect(read.status).toBe("ok");
    expect(read.summary).toMatchObject({ kind: "kubernetes", server: k8s.url, namespaces: ["acme-ci"] });
    const summary = read.summary as Extract<PipelineReadOutcomeDto["summary"], { kind: "kubernetes" }>;
    expect(summary.serviceAccounts).toBeGreaterThan(0);
    expect(summary.clusterAdmin).toBeGreaterThan(0);
    expect(summary.workloadIdentities).toBeGreaterThan(0);
  });

  it("a failed read keeps the last snapshot and says what to do", async () => {
    const source = await create({ name: "Buildkite: acme (rotated)", kind: "buildkite", settings: { orgSlug: "acme", apiUrl: bk.url }, credentialsFrom: "stored", credentials: { token: "bkua_acme_reader" } });
    await readNow(source.id);
    const good = await listed(source.name);
    // The token is revoked in Buildkite: the sealed one no longer works.
    await handle.db.update(pipelineSources).set({ credentialsSealed: sealCredentials({ token: "bkua_acme_wrong" }, CREDENTIALS_PURPOSE) }).where(and(eq(pipelineSources.orgId, org.id), eq(pipelineSources.id, source.id)));
    const read = await readNow(source.id);
    expect(read.status).toBe("failed");
    expect(read.message).toMatch(/token/i);
    expect(read.message).toContain("remove it and add it again");
    const after = await listed(source.name);
    expect(after).toMatchObject({ status: "failed", statusMessage: read.message, lastGoodReadAt: good.lastGoodReadAt, summary: good.summary });
    expect(after.lastReadAt).not.toBe(good.lastReadAt);
  });

  it("a token without the read scopes: the message names the scope and where the list is", async () => {
    const source = await create({ name: "Buildkite: narrow", kind: "buildkite", settings: { orgSlug: "acme", apiUrl: bk.url }, credentialsFrom: "stored", credentials: { token: "bkua_acme_narrow" } });
    const read = await readNow(source.id);
    expect(read).toMatchObject({ status: "failed", message: expect.stringMatching(/read_clusters[\s\S]*Settings → Pipelines/) });
    expect((await listed(source.name)).summary).toBeNull();
  });

  it("sets, replaces and removes responder credentials", async () => {
    const source = await listed("Buildkite: acme");
    const set = await run(setPipelineResponderCredentials, { sourceId: source.id, from: "stored", credentials: { token: "bkua_acme_responder" } });
    expect(set).toMatchObject({ ok: true, data: { responderCredentialsFrom: "stored" } });
    const [row] = await handle.db.select().from(pipelineSources).where(eq(pipelineSources.id, source.id));
    expect(row!.responderCredentialsSealed).toBeTruthy();
    expect(row!.responderCredentialsSealed).not.toContain("bkua_acme_responder");
    // An endpoint of its own: the server's responder token would go there, so environment is refused.
    expect(await run(setPipelineResponderCredentials, { sourceId: source.id, from: "environment" })).toMatchObject({ ok: false, error: { code: "invalid_input", message: expect.stringContaining("settings.apiUrl cannot be set") } });
    expect(await run(setPipelineResponderCredentials, { sourceId: source.id, from: "stored", credentials: {} })).toMatchObject({ ok: false, error: { code: "invalid_input", message: expect.stringContaining("credentials.token is required") } });
    expect(await run(setPipelineResponderCredentials, { sourceId: source.id, from: "none" })).toMatchObject({ ok: true, data: { responderCredentialsFrom: "none" } });
  });
});

describe("bad input: a 400 naming the field", () => {
  it.each([
    [{ kind: "buildkite", settings: { orgSlug: "acme" }, credentialsFrom: "stored", credentials: {} }, "credentials.token"],
    [{ kind: "buildkite", settings: {}, credentialsFrom: "environment" }, "settings.orgSlug"],
    [{ kind: "buildkite", settings: { orgSlug: "acme", apiUrl: "https://evil.example" }, credentialsFrom: "environment" }, "settings.apiUrl"],
    [{ kind: "kubernetes", settings: { server: "https://10.0.0.1:6443" }, credentialsFrom: "environment" }, "settings.server"],
    [{ kind: "kubernetes", settings: {}, credentialsFrom: "stored", credentials: { token: "t" } }, "settings.server"],
    [{ kind: "kubernetes", settings: { orgSlug: "acme" }, credentialsFrom: "environment" }, "settings.orgSlug"],
    [{ kind: "buildkite", settings: { orgSlug: "acme", apiUrl: "http://buildkite.example" }, credentialsFrom: "stored", credentials: { token: "t" } }, "settings.apiUrl"],
    [{ kind: "gitlab", settings: {}, credentialsFrom: "environment" }, "kind"],
  ])("%j → %s", async (input, field) => {
    const r = await run(createPipelineSource, { name: `bad ${crypto.randomUUID()}`, ...input });
    expect(r).toMatchObject({ ok: false, error: { code: "invalid_input", message: expect.stringContaining(`Check ${field}`) } });
  });

  it("a taken name is a conflict", async () => {
    expect(await run(createPipelineSource, { name: "Buildkite: acme", kind: "buildkite", settings: { orgSlug: "acme" }, credentialsFrom: "environment" })).toMatchObject({ ok: false, error: { code: "conflict" } });
  });
});

describe("sources from the environment, read by a sync", () => {
  it("are added as Gatehouse, once, and read with the server's credentials", async () => {
    const actor = { kind: "system" as const, process: "seed" as const, orgId: other.id, orgSlug: other.slug };
    const sources = [
      { kind: "buildkite" as const, name: "Buildkite: acme", settings: { orgSlug: "acme" }, responder: true },
      { kind: "kubernetes" as const, name: "cluster acme-prod", settings: {}, responder: true },
    ];
    expect(await addEnvironmentPipelineSources(handle, actor, sources)).toEqual(["Buildkite: acme", "cluster acme-prod"]);
    expect(await addEnvironmentPipelineSources(handle, actor, sources)).toEqual([]);
    await expect(addEnvironmentPipelineSources(handle, actor, [{ kind: "buildkite", name: "x", settings: { orgSlug: "acme", apiUrl: bk.url }, responder: false }])).rejects.toThrow(/settings.apiUrl cannot be set/);
    expect(await syncOrgPipelineSources(handle, other.id)).toEqual({ ok: 2, failed: 0 });
    const list = await listPipelineSources(handle.db, other.id);
    expect(list.map((s) => [s.name, s.status, s.credentialsFrom, s.responderCredentialsFrom, s.createdBy])).toEqual([
      ["Buildkite: acme", "ok", "environment", "environment", "Gatehouse (seed)"],
      ["cluster acme-prod", "ok", "environment", "environment", "Gatehouse (seed)"],
    ]);
    expect(list[1]!.summary).toMatchObject({ kind: "kubernetes", server: k8s.url });
    expect((list[1]!.summary as { namespaces: string[] }).namespaces.length).toBeGreaterThan(1);
    const rows = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.orgId, other.id), eq(auditEvents.action, "pipeline_source.sync_read")));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ actorEmail: null, outcome: "success", metadata: { status: "ok", figures: expect.any(Object) } });
  });
});

describe("tenancy and secrets", () => {
  it("another organisation's source is not found, and nothing changes", async () => {
    const source = await listed("Buildkite: acme");
    for (const [useCase, extra] of [[readPipelineSourceNow, {}], [removePipelineSource, {}], [setPipelineResponderCredentials, { from: "none" }]] as const) {
      const r = await run(useCase, { sourceId: source.id, ...extra }, other.users.admin, other.slug);
      expect(r).toMatchObject({ ok: false, error: { code: "not_found" } });
    }
    expect(await listed("Buildkite: acme")).toEqual(source);
  });

  it("viewers and responders cannot change sources", async () => {
    for (const role of ["viewer", "responder"] as const) {
      expect(await run(createPipelineSource, { name: "nope", kind: "buildkite", settings: { orgSlug: "acme" }, credentialsFrom: "environment" }, org.users[role])).toMatchObject({ ok: false, error: { code: "forbidden" } });
    }
  });

  it("removes a source, audited", async () => {
    const source = await listed("Buildkite: narrow");
    expect(await run(removePipelineSource, { sourceId: source.id })).toMatchObject({ ok: true });
    expect(await listed("Buildkite: narrow")).toBeUndefined();
    const [row] = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.orgId, org.id), eq(auditEvents.action, "pipeline_source.delete")));
    expect(row).toMatchObject({ targetId: source.id, targetLabel: "Buildkite: narrow", metadata: { kind: "buildkite", name: "Buildkite: narrow" } });
  });

  it("no token or kubeconfig text in any DTO or audit row", async () => {
    const actions = new Set<string>();
    for (const o of [org, other]) {
      const dtos = JSON.stringify(await listPipelineSources(handle.db, o.id));
      const audit = await handle.db.select().from(auditEvents).where(eq(auditEvents.orgId, o.id));
      audit.forEach((a) => actions.add(a.action));
      for (const secret of SECRETS) {
        expect(dtos).not.toContain(secret);
        expect(JSON.stringify(audit)).not.toContain(secret);
      }
      expect(JSON.stringify(audit)).not.toContain("insecure-skip-tls-verify");
    }
    expect([...actions].filter((a) => a.startsWith("pipeline_source.")).sort()).toEqual(
      expect.arrayContaining(["pipeline_source.create", "pipeline_source.delete", "pipeline_source.read", "pipeline_source.read.outcome", "pipeline_source.responder_credentials", "pipeline_source.sync_read"]),
    );
  });
});
