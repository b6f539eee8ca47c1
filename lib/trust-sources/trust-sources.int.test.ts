// Cloud trust end to end on the demo org: acme synced from the GitHub simulator, an AWS export
// uploaded by an admin, its roles evaluated against acme's real deploy jobs; a sync evaluates
// again as Gatehouse; an API source read through a reader registered here keeps its previous
// trusts when a read fails; bad input is a 400 that names the file and the field; another org
// sees nothing.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createTestOrg, testMeta, type TestOrg } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import type { SessionUser } from "@/lib/authz/actor";
import { auditEvents, trustMatches, trusts, trustSources } from "@/lib/db/schema";
import { executeUseCase, type AnyUseCase } from "@/lib/door/use-case";
import { startSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import type { GithubSim } from "@/sim/github";
import { stopQueue } from "@/lib/jobs/queue";
import { connectedSimOrg, syncSimOrg } from "@/lib/testing/simulator-org";
import { CloudReadError, type TrustSourceRead } from "@/lib/cloud/types";
import type { AwsTrust } from "@/lib/trust/types";
import { createTrustSource, readTrustSource, removeTrustSource } from "./trust-sources-service";
import { identityTrustLinks, identityKey, listTrusts, listTrustSources, trustDetail } from "./trust-sources-repo";
import { registerTrustReader, type AwsConnection } from "./readers";

process.env.AUTH_SECRET ??= "trust-sources-test-auth-secret-0123456789";

const EXPORT = readFileSync(new URL("./testdata/acme-aws-authorization-details.json", import.meta.url), "utf8");
const ARN = (name: string) => `arn:aws:iam::210987654321:role/${name}`;

let handle: DatabaseHandle;
let sim: GithubSim;
let org: { id: string; slug: string };
let admin: SessionUser;
let other: TestOrg;

beforeAll(async () => {
  handle = await openTestDatabase();
  sim = await startSim({ acme: { id: 790_001 } });
  useSimulatorApp(sim);
  const connected = await connectedSimOrg(handle, sim, "acme", "admin");
  org = { id: connected.id, slug: connected.slug };
  admin = connected.member;
  other = await createTestOrg(handle.db);
  await syncSimOrg(handle, org.id);
}, 180_000);
afterAll(async () => {
  await stopQueue();
  await sim.close();
  await handle.close();
});

async function upload(name: string, file: { name: string; content: string }, as: SessionUser = admin, slug = org.slug) {
  return executeUseCase(handle, as, createTrustSource, { orgSlug: slug, name, provider: "aws", kind: "upload", file }, testMeta());
}

const trustByName = async (name: string) => (await listTrusts(handle.db, org.id)).find((t) => t.name === name)!;

describe("an uploaded AWS export, evaluated against acme's jobs", () => {
  let sourceId: string;
  beforeAll(async () => {
    const r = await upload("AWS production", { name: "acme-aws.json", content: EXPORT });
    if (!r.ok) throw new Error(r.error.message);
    sourceId = r.data.id;
  }, 120_000);

  it("keeps the three roles that trust GitHub (not the Lambda role), with the source read", async () => {
    const [source] = await listTrustSources(handle.db, org.id);
    expect(source).toMatchObject({ id: sourceId, kind: "upload", status: "ok", trusts: 3, fileName: "acme-aws.json", statusMessage: null });
    const names = (await listTrusts(handle.db, org.id)).map((t) => t.name);
    expect(names.sort()).toEqual(["gh-api-deploy", "gh-search-ecs-deploy", "gh-terraform-apply"]);
  });

  it("lists the role any repository can assume first, critical, with outside tokens", async () => {
    const list = await listTrusts(handle.db, org.id);
    expect(list[0]).toMatchObject({ name: "gh-terraform-apply", account: "210987654321", outsideTokens: "yes" });
    expect(list[0]!.findings[0]).toMatchObject({ rule: "trust-any-repository", severity: "critical" });
  });

  it("splits the repo:acme/* role's jobs: search-service's deploy uses it, the other deploy jobs could", async () => {
    const t = await trustByName("gh-search-ecs-deploy");
    const detail = (await trustDetail(handle.db, org.id, t.id))!;
    const uses = detail.matches.filter((m) => m.uses === true).map((m) => `${m.repo}:${m.jobKey}`);
    const could = detail.matches.filter((m) => m.uses === false).map((m) => `${m.repo}:${m.workflowPath}:${m.jobKey}`);
    expect(uses).toEqual(["acme/search-service:deploy"]);
    expect(could).toEqual(expect.arrayContaining(["acme/api:.github/workflows/deploy.yml:image", "acme/infra:.github/workflows/terraform.yml:apply", "acme/search-service:.github/workflows/release.yml:push-image"]));
    expect(detail.couldUse).toBe(could.length);
    expect(detail.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(["trust-wildcard-repo", "trust-broader-than-use"]));
    expect(detail.findingFixes["trust-broader-than-use"]?.fix).toContain("Narrow the trust");
    // Every match points at its inventory job and workflow, for the page's links.
    expect(detail.matches.every((m) => m.jobId !== null && m.workflowId !== null)).toBe(true);
    expect(detail.conditions).toContainEqual({ label: "StringLike sub", value: "repo:acme/*" });
    expect(detail.outsideTokens).toBe("no");
  });

  it("the role trusted by environment accepts only api's production job, which uses it", async () => {
    const t = await trustByName("gh-api-deploy");
    expect(t).toMatchObject({ uses: 1, couldUse: 0 });
    const detail = (await trustDetail(handle.db, org.id, t.id))!;
    expect(detail.matches).toHaveLength(1);
    expect(detail.matches[0]).toMatchObject({ repo: "acme/api", workflowPath: ".github/workflows/deploy.yml", jobKey: "image", uses: true });
    expect(detail.findings.map((f) => f.rule)).not.toContain("trust-broader-than-use");
  });

  it("links the inventory's OIDC identities to the trusts they name", async () => {
    const links = await identityTrustLinks(handle.db, org.id);
    expect(links[identityKey("aws-role", ARN("gh-api-deploy"))]?.map((l) => l.name)).toEqual(["gh-api-deploy"]);
  });

  it("a sync evaluates again, as Gatehouse (sync), audited, with the same matches", async () => {
    const before = (await handle.db.select().from(trustMatches).where(eq(trustMatches.orgId, org.id))).length;
    await syncSimOrg(handle, org.id);
    const after = await handle.db.select().from(trustMatches).where(eq(trustMatches.orgId, org.id));
    expect(after).toHaveLength(before);
    const rows = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.orgId, org.id), eq(auditEvents.action, "trust.evaluate")));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.at(-1)).toMatchObject({ actorRole: "system", metadata: { trusts: 3, matches: before } });
  }, 120_000);

  it("Read now with a broken file is a 400 naming the file and the field, and changes nothing", async () => {
    const broken = JSON.stringify({ RoleDetailList: [{ RoleName: "x", Arn: "arn:aws:iam::210987654321:role/x", AssumeRolePolicyDocument: { Statement: [{ Effect: "Maybe" }] } }] });
    const r = await executeUseCase(handle, admin, readTrustSource, { orgSlug: org.slug, sourceId, file: { name: "broken.json", content: broken } }, testMeta());
    expect(r).toMatchObject({ ok: false, error: { code: "invalid_input", fields: { file: expect.stringContaining("broken.json: RoleDetailList[0]") } } });
    expect((await listTrusts(handle.db, org.id)).length).toBe(3);
  });

  it("Read now re-evaluates the stored export", async () => {
    const r = await executeUseCase(handle, admin, readTrustSource, { orgSlug: org.slug, sourceId }, testMeta());
    expect(r).toMatchObject({ ok: true, data: { status: "ok", trusts: 3 } });
  });
});

describe("bad input", () => {
  it.each([
    ["not JSON", { name: "roles.json", content: "{ nope" }, "roles.json: is not JSON"],
    ["another provider's export", { name: "fic.json", content: JSON.stringify([{ issuer: "https://token.actions.githubusercontent.com", subject: "repo:acme/api:ref:refs/heads/main", audiences: ["api://AzureADTokenExchange"], name: "x", id: "1" }]) }, "fic.json: is an Azure export"],
    ["an unknown shape", { name: "what.json", content: "{\"hello\": 1}" }, "what.json: expected"],
  ])("%s: 400 with the file named", async (_label, file, message) => {
    const r = await upload(`bad ${crypto.randomUUID()}`, file);
    expect(r).toMatchObject({ ok: false, error: { code: "invalid_input", message: expect.stringContaining(message) } });
  });

  it("an upload without a file, and an API source without its settings or credentials, say what is missing", async () => {
    const base = { orgSlug: org.slug, name: `x ${crypto.randomUUID()}`, provider: "aws" };
    expect(await executeUseCase(handle, admin, createTrustSource, { ...base, kind: "upload" }, testMeta())).toMatchObject({ ok: false, error: { code: "invalid_input", fields: { file: expect.any(String) } } });
    expect(await executeUseCase(handle, admin, createTrustSource, { ...base, kind: "api", credentialsFrom: "stored" }, testMeta())).toMatchObject({
      ok: false,
      error: { message: "Check settings.region: is required for aws" },
    });
    expect(await executeUseCase(handle, admin, createTrustSource, { ...base, kind: "api", settings: { region: "eu-west-1" }, credentialsFrom: "stored", credentials: { accessKeyId: "AKIAEXAMPLEEXAMPLE12" } }, testMeta())).toMatchObject({
      ok: false,
      error: { message: "Check credentials.secretAccessKey: is required for aws" },
    });
  });

  it("a second source of the same name is a conflict", async () => {
    const r = await upload("AWS production", { name: "acme-aws.json", content: EXPORT });
    expect(r).toMatchObject({ ok: false, error: { code: "conflict" } });
  });
});

describe("an API source, read through the registry", () => {
  const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  let calls: AwsConnection[] = [];
  let fail = false;
  const role: AwsTrust = {
    provider: "aws",
    id: ARN("gh-api-readonly"),
    name: "gh-api-readonly",
    statements: [
      {
        effect: "Allow",
        principals: ["arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com"],
        notPrincipals: null,
        actions: ["sts:AssumeRoleWithWebIdentity"],
        notActions: null,
        conditions: [
          { operator: "StringEquals", key: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
          { operator: "StringEquals", key: "token.actions.githubusercontent.com:sub", values: ["repo:acme/api:environment:production"] },
        ],
      },
    ],
  };
  const read: TrustSourceRead = { trusts: [role], details: { [role.id]: { account: "210987654321", resource: role.id, permissions: ["ReadOnlyAccess (managed)"], permissionsNote: null } }, warnings: [] };

  it("stores sealed credentials, reads, and keeps its trusts when a later read fails", async () => {
    registerTrustReader("aws", async (conn) => {
      calls.push(conn);
      if (fail) throw new CloudReadError("ListRoles: AccessDenied", "denied");
      return read;
    });
    const created = await executeUseCase(
      handle,
      admin,
      createTrustSource,
      { orgSlug: org.slug, name: "AWS via API", provider: "aws", kind: "api", settings: { region: "eu-west-1", endpoint: "http://127.0.0.1:1" }, credentialsFrom: "stored", credentials: { accessKeyId: "AKIAEXAMPLEEXAMPLE12", secretAccessKey: SECRET } },
      testMeta(),
    );
    if (!created.ok) throw new Error(created.error.message);
    expect(created.data).toMatchObject({ status: "never", credentialsFrom: "stored", readerInstalled: true });
    expect(JSON.stringify(created.data)).not.toContain(SECRET);
    const [row] = await handle.db.select().from(trustSources).where(eq(trustSources.id, created.data.id));
    expect(row!.credentialsSealed).not.toContain(SECRET);

    const first = await executeUseCase(handle, admin, readTrustSource, { orgSlug: org.slug, sourceId: created.data.id }, testMeta());
    expect(first).toMatchObject({ ok: true, data: { status: "ok", trusts: 1 } });
    expect(calls[0]).toMatchObject({ region: "eu-west-1", credentials: { accessKeyId: "AKIAEXAMPLEEXAMPLE12", secretAccessKey: SECRET } });
    const t = await trustByName("gh-api-readonly");
    expect((await trustDetail(handle.db, org.id, t.id))!.details?.permissions).toEqual(["ReadOnlyAccess (managed)"]);

    fail = true;
    const second = await executeUseCase(handle, admin, readTrustSource, { orgSlug: org.slug, sourceId: created.data.id }, testMeta());
    expect(second).toMatchObject({ ok: true, data: { status: "failed", message: expect.stringContaining("ListRoles: AccessDenied: grant") } });
    const source = (await listTrustSources(handle.db, org.id)).find((s) => s.id === created.data.id)!;
    expect(source).toMatchObject({ status: "failed", trusts: 1, statusMessage: expect.stringContaining("AccessDenied") });
    expect(source.lastGoodReadAt).not.toBeNull();
    // Still there, still evaluated: api's production job could assume it, but names gh-api-deploy.
    expect(await trustByName("gh-api-readonly")).toMatchObject({ id: t.id, uses: 0, couldUse: 1 });

    const audit = await handle.db.select().from(auditEvents).where(eq(auditEvents.orgId, org.id));
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    calls = [];
  });
});

describe("tenancy", () => {
  it("another org's admin sees no trust and cannot read or remove a source", async () => {
    const [source] = await handle.db.select().from(trustSources).where(eq(trustSources.orgId, org.id)).limit(1);
    const [trust] = await handle.db.select().from(trusts).where(eq(trusts.orgId, org.id)).limit(1);
    expect(await listTrusts(handle.db, other.id)).toEqual([]);
    expect(await trustDetail(handle.db, other.id, trust!.id)).toBeNull();
    for (const useCase of [readTrustSource, removeTrustSource] as AnyUseCase[]) {
      const r = await executeUseCase(handle, other.users.admin, useCase, { orgSlug: other.slug, sourceId: source!.id }, testMeta());
      expect(r).toMatchObject({ ok: false, error: { code: "not_found" } });
    }
    expect(await handle.db.select().from(trustSources).where(eq(trustSources.id, source!.id))).toHaveLength(1);
  });

  it("removing a source removes its trusts and their matches", async () => {
    const r = await upload("to remove", { name: "acme-aws.json", content: EXPORT });
    if (!r.ok) throw new Error(r.error.message);
    const removed = await executeUseCase(handle, admin, removeTrustSource, { orgSlug: org.slug, sourceId: r.data.id }, testMeta());
    expect(removed).toMatchObject({ ok: true });
    expect(await handle.db.select().from(trusts).where(eq(trusts.sourceId, r.data.id))).toEqual([]);
  });
});
