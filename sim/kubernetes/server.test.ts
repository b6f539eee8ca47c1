import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { K8S_ACME_TOKENS, k8sAcme, k8sAcmeTokens } from "../fixtures/k8s-acme";
import { startKubernetesSim, type KubeSim } from "./index";

// The simulator over HTTP, as the Kubernetes API documents it: bearer tokens and RBAC rules,
// Status errors, lists (paging, selectors, metadata only), patches, deletes, server-side dry
// run, Tekton's webhook and controller, and the write log. lib/kubernetes drives it with
// @kubernetes/client-node itself.

let sim: KubeSim;
beforeEach(async () => {
  sim = await startKubernetesSim({
    fixture: k8sAcme(Date.parse("2026-03-14T10:00:00Z")),
    tokens: { ...k8sAcmeTokens(), "ns-only": { user: "alice", rules: [{ apiGroups: [""], resources: ["serviceaccounts"], verbs: ["list"], namespaces: ["default"] }] } },
  });
});
afterEach(async () => sim.close());

const READER = K8S_ACME_TOKENS.reader.token;
const RESPONDER = K8S_ACME_TOKENS.responder.token;

async function call(path: string, token: string | null, init: RequestInit & { accept?: string } = {}): Promise<{ status: number; body: Record<string, unknown>; type: string | null }> {
  const headers: Record<string, string> = { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(init.accept ? { accept: init.accept } : {}), ...(init.headers as Record<string, string> | undefined) };
  const res = await fetch(`${sim.url}${path}`, { ...init, headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, type: res.headers.get("content-type") };
}

const names = (body: Record<string, unknown>): string[] => (body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);

describe("Kubernetes simulator: authentication and authorisation", () => {
  it("answers an unknown or missing token with a 401 Status", async () => {
    for (const token of [null, "nope"]) {
      expect(await call("/api/v1/namespaces", token)).toMatchObject({ status: 401, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 } });
    }
  });

  it("refuses what the token's rules do not allow with the authorizer's Forbidden Status, word for word", async () => {
    const del = await call("/api/v1/namespaces/acme-ci/secrets/pipeline-deployer-token", READER, { method: "DELETE" });
    expect(del).toMatchObject({ status: 403 });
    expect(del.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'secrets "pipeline-deployer-token" is forbidden: User "system:serviceaccount:gatehouse:gatehouse-reader" cannot delete resource "secrets" in API group "" in the namespace "acme-ci"',
      reason: "Forbidden",
      details: { name: "pipeline-deployer-token", kind: "secrets" },
      code: 403,
    });
    const patch = await call("/apis/tekton.dev/v1/namespaces/acme-ci/pipelineruns/platform-deploy-x7k2p", READER, { method: "PATCH", headers: { "content-type": "application/merge-patch+json" }, body: JSON.stringify({ spec: { status: "Cancelled" } }) });
    expect(patch.body).toMatchObject({ code: 403, details: { name: "platform-deploy-x7k2p", group: "tekton.dev", kind: "pipelineruns" }, message: expect.stringMatching(/^pipelineruns\.tekton\.dev "platform-deploy-x7k2p" is forbidden: .* cannot patch resource "pipelineruns" in API group "tekton.dev" in the namespace "acme-ci"$/) });
    // Secret data: the reader may list, never get.
    expect((await call("/api/v1/namespaces/acme-ci/secrets/git-credentials", READER)).body.message).toMatch(/cannot get resource "secrets"/);
    // Namespaced rules: the namespace they name only; nothing across all namespaces.
    expect(names((await call("/api/v1/namespaces/default/serviceaccounts", "ns-only")).body)).toEqual(["default"]);
    expect((await call("/api/v1/namespaces/acme-ci/serviceaccounts", "ns-only")).status).toBe(403);
    expect((await call("/api/v1/serviceaccounts", "ns-only")).body.message).toBe('serviceaccounts is forbidden: User "alice" cannot list resource "serviceaccounts" in API group "" at the cluster scope');
  });
});

describe("Kubernetes simulator: lists", () => {
  it("answers <Kind>List with resourceVersion; built-in items without kind, custom resources' items with it", async () => {
    const sas = await call("/api/v1/namespaces/acme-ci/serviceaccounts", READER);
    expect(sas.body).toMatchObject({ kind: "ServiceAccountList", apiVersion: "v1", metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
    expect(names(sas.body)).toEqual(["chart-publisher", "default", "pipeline-builder", "pipeline-deployer"]);
    const deployer = (sas.body.items as Record<string, unknown>[])[3] as Record<string, unknown>;
    expect(deployer.kind).toBeUndefined();
    expect(deployer).toMatchObject({ metadata: { uid: "5b1c7e2a-9d3f-4e8b-a6c1-0f2e4d6b8a13", annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::210987654321:role/gh-api-deploy" }, creationTimestamp: expect.stringMatching(/Z$/) }, secrets: [{ name: "pipeline-deployer-token" }] });
    const repos = await call("/apis/pipelinesascode.tekton.dev/v1alpha1/namespaces/acme-ci/repositories", READER);
    expect(repos.body).toMatchObject({ kind: "RepositoryList", apiVersion: "pipelinesascode.tekton.dev/v1alpha1", items: [{ kind: "Repository", apiVersion: "pipelinesascode.tekton.dev/v1alpha1", spec: { url: "https://github.com/acme/k8s-platform" } }] });
    expect(names((await call("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", READER)).body)).toEqual(["cluster-admin", "pipeline-deployer-admin"]);
    expect(names((await call("/api/v1/secrets", READER)).body)).toHaveLength(5);
    expect(names((await call("/api/v1/serviceaccounts", READER)).body)).toEqual(["chart-publisher", "default", "pipeline-builder", "pipeline-deployer", "default", "default", "default", "pipelines-as-code-controller"]);
  });

  it("pages with limit and an opaque continue token, and refuses a forged one", async () => {
    const seen: string[] = [];
    let cont: string | undefined;
    const pages: Record<string, unknown>[] = [];
    do {
      const page = await call(`/api/v1/namespaces/acme-ci/serviceaccounts?limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`, READER);
      pages.push(page.body.metadata as Record<string, unknown>);
      seen.push(...names(page.body));
      cont = (page.body.metadata as { continue?: string }).continue;
    } while (cont !== undefined);
    expect(seen).toEqual(["chart-publisher", "default", "pipeline-builder", "pipeline-deployer"]);
    expect(pages[0]).toMatchObject({ continue: expect.any(String), remainingItemCount: 1 });
    expect(pages[1]).not.toHaveProperty("continue");
    const forged = await call("/api/v1/namespaces/acme-ci/serviceaccounts?limit=1&continue=bm9wZQ", READER);
    expect(forged).toMatchObject({ status: 400, body: { reason: "BadRequest", message: expect.stringMatching(/^continue key is not valid/) } });
  });

  it("selects by label and serves metadata only when the Accept header asks (PartialObjectMetadataList)", async () => {
    const running = await call("/apis/tekton.dev/v1/namespaces/acme-ci/pipelineruns?labelSelector=pipelinesascode.tekton.dev%2Fevent-type%3Dpull_request", READER);
    expect(names(running.body)).toEqual(["platform-pr-1042-9fz4q"]);
    expect((await call("/apis/tekton.dev/v1/pipelineruns?labelSelector=a%20in%20(b)", READER)).status).toBe(400);
    const partial = await call("/api/v1/namespaces/acme-ci/secrets", READER, { accept: "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1" });
    expect(partial.type).toBe("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");
    expect(partial.body).toMatchObject({ kind: "PartialObjectMetadataList", apiVersion: "meta.k8s.io/v1" });
    const items = partial.body.items as Record<string, unknown>[];
    expect(items.map((i) => [i.kind, i.apiVersion, Object.keys(i).sort().join(",")])).toEqual(Array(5).fill(["PartialObjectMetadata", "meta.k8s.io/v1", "apiVersion,kind,metadata"]));
    expect(items[2]).toMatchObject({ metadata: { name: "git-credentials", annotations: { "tekton.dev/git-0": "https://github.com" } } });
    expect(sim.requests.at(-1)).toMatchObject({ path: "/api/v1/namespaces/acme-ci/secrets", metadataOnly: true, user: "system:serviceaccount:gatehouse:gatehouse-reader" });
    expect((await call("/api/v1/namespaces/acme-ci/secrets", READER, { accept: "application/json;as=Table;g=meta.k8s.io;v=v1" })).status).toBe(406);
  });

  it("answers 404 for an API whose CRD is not installed", async () => {
    const bare = await startKubernetesSim({ fixture: { cluster: "bare", objects: [], apis: { pac: false } }, tokens: k8sAcmeTokens() });
    try {
      const res = await fetch(`${bare.url}/apis/pipelinesascode.tekton.dev/v1alpha1/repositories`, { headers: { authorization: `Bearer ${READER}` } });
      expect([res.status, await res.json()]).toEqual([404, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server could not find the requested resource", reason: "NotFound", details: {}, code: 404 }]);
    } finally {
      await bare.close();
    }
  });
});

describe("Kubernetes simulator: writes", () => {
  const RUN = "/apis/tekton.dev/v1/namespaces/acme-ci/pipelineruns/platform-deploy-x7k2p";
  const cancel = (query = "", type = "application/json-patch+json", body: unknown = [{ op: "add", path: "/spec/status", value: "Cancelled" }]) =>
    call(`${RUN}${query}`, RESPONDER, { method: "PATCH", headers: { "content-type": type }, body: JSON.stringify(body) });

  it("dry-runs a cancel (dryRun=All: checked, answered, not stored), then cancels; Tekton's controller marks the run", async () => {
    const dry = await cancel("?dryRun=All");
    expect(dry).toMatchObject({ status: 200, body: { spec: { status: "Cancelled" } } });
    expect(sim.control.object("pipelineruns", "acme-ci", "platform-deploy-x7k2p")?.spec).not.toHaveProperty("status");
    const done = await cancel();
    expect(done.body).toMatchObject({ spec: { status: "Cancelled" }, status: { conditions: [{ type: "Succeeded", status: "False", reason: "Cancelled", message: 'PipelineRun "platform-deploy-x7k2p" was cancelled' }], completionTime: expect.any(String) } });
    expect(Number((done.body.metadata as { resourceVersion: string }).resourceVersion)).toBeGreaterThan(Number((dry.body.metadata as { resourceVersion: string }).resourceVersion));
    expect((await cancel("?dryRun=Some")).body).toMatchObject({ code: 422, reason: "Invalid", message: 'PatchOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Some"]: supported values: "All"' });
  });

  it("takes merge patches, refuses strategic merge on a custom resource and what Tekton's webhook refuses", async () => {
    expect((await cancel("", "application/strategic-merge-patch+json", { spec: { status: "Cancelled" } })).status).toBe(415);
    expect((await cancel("", "application/merge-patch+json", { spec: { status: "Stop" } })).body).toMatchObject({ code: 400, message: 'admission webhook "validation.webhook.pipeline.tekton.dev" denied the request: validation failed: invalid value: Stop: spec.status' });
    expect((await cancel("", "application/merge-patch+json", { metadata: { name: "other" } })).status).toBe(422);
    expect((await cancel("", "application/json-patch+json", [{ op: "replace", path: "/spec/nope", value: 1 }])).status).toBe(422);
    expect((await cancel("", "application/merge-patch+json", { spec: { status: "Cancelled" } })).body).toMatchObject({ spec: { status: "Cancelled" } });
  });

  it("deletes: a Secret answers a Success Status, a custom resource the object; dry run in a DeleteOptions body too", async () => {
    const secretPath = "/api/v1/namespaces/acme-ci/secrets/pipeline-deployer-token";
    const dry = await call(secretPath, RESPONDER, { method: "DELETE", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "DeleteOptions", apiVersion: "v1", dryRun: ["All"] }) });
    expect(dry.body).toMatchObject({ kind: "Status", status: "Success", details: { name: "pipeline-deployer-token", kind: "secrets", uid: expect.any(String) } });
    expect(sim.control.object("secrets", "acme-ci", "pipeline-deployer-token")).toBeDefined();
    expect((await call(secretPath, RESPONDER, { method: "DELETE" })).status).toBe(200);
    expect((await call(secretPath, RESPONDER, { method: "DELETE" })).body).toMatchObject({ code: 404, reason: "NotFound", message: 'secrets "pipeline-deployer-token" not found' });
    const repo = await call("/apis/pipelinesascode.tekton.dev/v1alpha1/namespaces/acme-ci/repositories/acme-platform", RESPONDER, { method: "DELETE" });
    expect(repo.body).toMatchObject({ kind: "Repository", spec: { url: "https://github.com/acme/k8s-platform" } });
    expect(sim.control.objects("repositories")).toEqual([]);
  });

  it("logs every write with verb, path, body, token, user, dry run and outcome; GET /_sim/write-log serves the same", async () => {
    await cancel("?dryRun=All");
    await call("/api/v1/namespaces/acme-ci/secrets/acme-registry", READER, { method: "DELETE" });
    await call("/api/v1/namespaces/acme-ci/secrets", "nope", { method: "POST", body: "{}" });
    expect(sim.writeLog.map((w) => [w.verb, w.path, w.token, w.user, w.dryRun, w.status])).toEqual([
      ["PATCH", "/apis/tekton.dev/v1/namespaces/acme-ci/pipelineruns/platform-deploy-x7k2p?dryRun=All", RESPONDER, "system:serviceaccount:gatehouse:gatehouse-responder", true, 200],
      ["DELETE", "/api/v1/namespaces/acme-ci/secrets/acme-registry", READER, "system:serviceaccount:gatehouse:gatehouse-reader", false, 403],
      ["POST", "/api/v1/namespaces/acme-ci/secrets", "nope", null, false, 401],
    ]);
    expect(sim.writeLog[0]).toMatchObject({ contentType: "application/json-patch+json", body: [{ op: "add", path: "/spec/status", value: "Cancelled" }] });
    const served = (await (await fetch(`${sim.url}/_sim/write-log`)).json()) as { writeLog: unknown[] };
    expect(served.writeLog).toEqual(JSON.parse(JSON.stringify(sim.writeLog)));
  });

  it("with tektonController off, a cancel stays requested until control.reconcile()", async () => {
    const slow = await startKubernetesSim({ fixture: k8sAcme(), tokens: k8sAcmeTokens(), tektonController: false });
    try {
      const res = await fetch(`${slow.url}${RUN}`, { method: "PATCH", headers: { authorization: `Bearer ${RESPONDER}`, "content-type": "application/merge-patch+json" }, body: JSON.stringify({ spec: { status: "Cancelled" } }) });
      expect(((await res.json()) as { status: { conditions: { reason: string }[] } }).status.conditions[0]?.reason).toBe("Running");
      expect(slow.control.reconcile()).toEqual(["acme-ci/platform-deploy-x7k2p"]);
      expect(slow.control.reconcile()).toEqual([]);
    } finally {
      await slow.close();
    }
  });
});
