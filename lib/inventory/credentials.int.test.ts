// The Secrets, Identities, Systems and Owners views against acme synced from the GitHub
// simulator into a real database: concrete facts of the demo org, and an owner override
// that survives a re-sync and is audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, ne } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { createUser, testMeta, uniqueSlug } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import type { SessionUser } from "@/lib/authz/actor";
import { auditEvents, memberships, organizations, repositories } from "@/lib/db/schema";
import { createOrgFetcher } from "@/lib/github/fetch";
import { appClient, startSim } from "@/lib/github/test-sim";
import type { GithubSim } from "@/sim/github";
import { dbEtagStore } from "@/lib/connections/etag-store";
import { createSyncRun } from "@/lib/connections/connection-repo";
import { executeUseCase } from "@/lib/door/use-case";
import { runSync } from "./sync-service";
import { listSecrets } from "./secrets-repo";
import { listIdentities } from "./identities-repo";
import { listSystems } from "./systems-repo";
import { listOwners } from "./owners-repo";
import { clearOwner, setOwner } from "./owners-service";
import { IdentityFiltersSchema, OwnerFiltersSchema, SecretFiltersSchema, SystemFiltersSchema } from "./credentials-schema";

let handle: DatabaseHandle;
let sim: GithubSim;
let orgId: string;
let slug: string;
let responder: SessionUser;
let viewer: SessionUser;

async function sync() {
  const runId = await createSyncRun(handle.db, orgId, { scope: "org", trigger: "manual", requestedBy: "test@example.test" });
  const fetcher = createOrgFetcher({ client: appClient(sim, "acme"), org: "acme", etags: dbEtagStore(handle.db, orgId) });
  await runSync(handle.db, fetcher, { orgId, runId });
}

const secrets = (f: Record<string, unknown> = {}) => listSecrets(handle.db, orgId, SecretFiltersSchema.parse({ size: 100, ...f }));
const secretNamed = async (name: string) => (await secrets({ q: name })).rows.filter((r) => r.secretName === name);

beforeAll(async () => {
  handle = await openTestDatabase();
  sim = await startSim();
  slug = uniqueSlug("acme");
  const [org] = await handle.db.insert(organizations).values({ slug, name: "acme" }).returning({ id: organizations.id });
  orgId = org!.id;
  responder = await createUser(handle.db, `responder@${slug}.test`);
  viewer = await createUser(handle.db, `viewer@${slug}.test`);
  await handle.db.insert(memberships).values([
    { orgId, email: responder.email, role: "responder", source: "manual" },
    { orgId, email: viewer.email, role: "viewer", source: "manual" },
  ]);
  await sync();
}, 120_000);
afterAll(async () => {
  await sim.close();
  await handle.close();
});

describe("secrets", () => {
  it("NPM_TOKEN: an org secret visible to all repositories, used by the sdk-js and design-system jobs, stale, rotated by web", async () => {
    const [npm] = await secretNamed("NPM_TOKEN");
    expect(npm).toMatchObject({ kind: "secret", scope: "org", visibility: "all", readableRepoCount: 25 });
    expect(npm!.flags).toContain("stale");
    expect(npm!.flags).not.toContain("unused");
    expect(npm!.ageDays).toBeGreaterThanOrEqual(419);
    expect(new Set(npm!.jobs.map((j) => j.repository))).toEqual(new Set(["acme/sdk-js", "acme/design-system"]));
    expect(npm!.jobCount).toBe(npm!.jobs.length);
    expect(npm!.jobs.some((j) => j.workflowPath === ".github/workflows/pr.yml")).toBe(true);
    expect(npm!.owners.map((o) => o.owner)).toEqual(["@acme/web"]);
  });

  it("an org secret with visibility private is readable by the private and internal repositories only", async () => {
    const [docker] = await secretNamed("DOCKERHUB_TOKEN");
    const nonPublic = await handle.db.select().from(repositories).where(and(eq(repositories.orgId, orgId), ne(repositories.visibility, "public")));
    expect(docker).toMatchObject({ visibility: "private", readableRepoCount: nonPublic.length });
    expect(docker!.readableRepos).not.toContain("acme/sdk-js");
  });

  it("an org secret with selected repositories is readable by those; where another repository references it, it is missing there", async () => {
    const sonar = await secretNamed("SONAR_TOKEN");
    const defined = sonar.find((s) => s.kind === "secret")!;
    expect(defined).toMatchObject({ visibility: "selected", selectedCount: 3, readableRepoCount: 3 });
    expect(defined.readableRepos.sort()).toEqual(["acme/api", "acme/payments-service", "acme/web"]);
    const missing = sonar.find((s) => s.kind === "missing");
    expect(missing).toMatchObject({ flags: ["missing"], scope: null, readableRepoCount: 0 });
    expect(missing!.jobs.length).toBeGreaterThan(0);
  });

  it("flags: a secret referenced nowhere is unused, one defined nowhere is listed as missing", async () => {
    const [old] = await secretNamed("OLD_DATADOG_KEY");
    expect(old).toMatchObject({ scope: "repo", repository: "acme/api", jobCount: 0, flags: ["unused", "stale"] });
    const [fastlane] = await secretNamed("FASTLANE_MATCH_PASSWORD");
    expect(fastlane).toMatchObject({ kind: "missing", repository: "acme/mobile-app", flags: ["missing"] });
    expect(fastlane!.jobs[0]).toMatchObject({ repository: "acme/mobile-app", workflowPath: ".github/workflows/beta.yml" });
    const missing = await secrets({ flag: "missing" });
    expect(missing.rows.every((r) => r.kind === "missing")).toBe(true);
    const stale = await secrets({ flag: "stale" });
    expect(stale.rows.map((r) => r.secretName)).toEqual(expect.arrayContaining(["NPM_TOKEN", "DOCKERHUB_TOKEN", "GH_PAT", "COSIGN_PRIVATE_KEY"]));
    expect(stale.rows.every((r) => r.ageDays! > 365)).toBe(true);
  });

  it("environment secrets name their environment and are owned by the repository's owner", async () => {
    const [adyen] = await secretNamed("ADYEN_API_KEY");
    expect(adyen).toMatchObject({ scope: "environment", environment: "production", repository: "acme/payments-service", readableRepoCount: 1 });
    expect(adyen!.owners).toEqual([{ owner: "@acme/payments", source: "custom-property" }]);
    const envOnly = await secrets({ scope: "environment" });
    expect(envOnly.rows.every((r) => r.scope === "environment")).toBe(true);
  });

  it("paginates in SQL with a stable total", async () => {
    const all = await secrets();
    const first = await listSecrets(handle.db, orgId, SecretFiltersSchema.parse({ size: 25 }));
    const second = await listSecrets(handle.db, orgId, SecretFiltersSchema.parse({ size: 25, page: 2 }));
    expect(first.total).toBe(all.total);
    expect(first.rows).toHaveLength(25);
    expect([...first.rows, ...second.rows].map((r) => r.key)).toEqual(all.rows.slice(0, 25 + second.rows.length).map((r) => r.key));
  });
});

describe("identities and systems", () => {
  it("groups identities by kind and identifier, with the jobs that use them, OIDC or static", async () => {
    const aws = await listIdentities(handle.db, orgId, IdentityFiltersSchema.parse({ kind: "aws-role", q: "terraform-apply" }));
    expect(aws.rows).toHaveLength(1);
    expect(aws.rows[0]).toMatchObject({ kind: "aws-role", identifier: "arn:aws:iam::210987654321:role/gh-terraform-apply", oidc: true });
    expect(aws.rows[0]!.jobs[0]).toMatchObject({ repository: "acme/infra", workflowPath: ".github/workflows/terraform.yml" });
    const npmTokens = await listIdentities(handle.db, orgId, IdentityFiltersSchema.parse({ kind: "npm-token" }));
    expect(npmTokens.rows[0]).toMatchObject({ identifier: "NPM_TOKEN", oidc: false, secretNames: ["NPM_TOKEN"], jobCount: 3 });
    const statics = await listIdentities(handle.db, orgId, IdentityFiltersSchema.parse({ auth: "static", size: 100 }));
    expect(statics.rows.every((r) => !r.oidc)).toBe(true);
    expect(statics.rows.some((r) => r.kind === "aws-access-key" && r.secretNames.includes("AWS_SECRET_ACCESS_KEY"))).toBe(true);
  });

  it("an AWS account lists once, with the roles that reach it; npm is reached through NPM_TOKEN", async () => {
    const aws = await listSystems(handle.db, orgId, SystemFiltersSchema.parse({ group: "aws" }));
    const account = aws.rows.find((r) => r.identifier === "210987654321")!;
    expect(aws.rows.filter((r) => r.identifier?.startsWith("arn:"))).toEqual([]);
    expect(account.credentials.filter((c) => c.kind === "aws-role").map((c) => c.name)).toEqual(
      expect.arrayContaining(["arn:aws:iam::210987654321:role/gh-terraform-apply", "arn:aws:iam::210987654321:role/gh-web-deploy-prod"]),
    );
    const pkgs = await listSystems(handle.db, orgId, SystemFiltersSchema.parse({ group: "package-registry" }));
    const npm = pkgs.rows.find((r) => r.kind === "npm")!;
    expect(npm.credentials.some((c) => c.type === "secret" && c.name === "NPM_TOKEN")).toBe(true);
    expect(npm.credentials.some((c) => c.kind === "npm-trusted-publishing" && c.oidc)).toBe(true);
    expect(pkgs.rows.every((r) => r.group === "package-registry")).toBe(true);
  });
});

describe("owners and overrides", () => {
  it("lists what a team owns and the secrets it would rotate", async () => {
    const page = await listOwners(handle.db, orgId, OwnerFiltersSchema.parse({ q: "acme/web" }));
    const web = page.rows.find((r) => r.owner === "@acme/web")!;
    expect(web.items.some((i) => i.type === "repository" && i.repository === "acme/sdk-js")).toBe(true);
    expect(web.secrets.some((s) => s.secretName === "NPM_TOKEN" && s.scope === "org" && s.stale)).toBe(true);
    expect(page.unownedTotal).toBeGreaterThan(0);
  });

  it("an owner set by hand survives a re-sync, shows as the secrets' owner, and is audited; a viewer may not", async () => {
    const [search] = await handle.db.select().from(repositories).where(and(eq(repositories.orgId, orgId), eq(repositories.name, "sdk-js")));
    const denied = await executeUseCase(handle, viewer, setOwner, { orgSlug: slug, targetType: "workflow", repoId: search!.id, workflowPath: ".github/workflows/publish.yml", owner: "@acme/release" }, testMeta());
    expect(denied).toMatchObject({ ok: false, error: { code: "forbidden" } });

    const meta = testMeta();
    const input = { orgSlug: slug, targetType: "workflow", repoId: search!.id, workflowPath: ".github/workflows/publish.yml", owner: "@acme/release" };
    const result = await executeUseCase(handle, responder, setOwner, input, meta);
    expect(result).toMatchObject({ ok: true, data: { owner: "@acme/release", ownerSource: "manual" } });
    const [row] = await handle.db.select().from(auditEvents).where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.requestId, meta.requestId)));
    expect(row).toMatchObject({ action: "owner.override", outcome: "success", actorEmail: responder.email, targetLabel: "acme/sdk-js/.github/workflows/publish.yml" });
    expect(row!.metadata).toMatchObject({ from: "@acme/web", to: "@acme/release" });

    await sync();
    const [npm] = await secretNamed("NPM_TOKEN");
    expect(npm!.owners).toEqual(expect.arrayContaining([{ owner: "@acme/release", source: "manual" }, { owner: "@acme/web", source: "codeowners" }]));
    const release = (await listOwners(handle.db, orgId, OwnerFiltersSchema.parse({ q: "release" }))).rows.find((r) => r.owner === "@acme/release")!;
    expect(release.items).toEqual([{ type: "workflow", repoId: search!.id, repository: "acme/sdk-js", workflowPath: ".github/workflows/publish.yml", source: "manual" }]);
    expect(release.secrets.map((s) => s.secretName)).toEqual(expect.arrayContaining(["NPM_TOKEN", "SLACK_WEBHOOK_URL"]));

    const cleared = await executeUseCase(handle, responder, clearOwner, { orgSlug: slug, targetType: "workflow", repoId: search!.id, workflowPath: ".github/workflows/publish.yml" }, testMeta());
    expect(cleared).toMatchObject({ ok: true, data: { owner: "@acme/web", ownerSource: "codeowners" } });
    expect((await secretNamed("NPM_TOKEN"))[0]!.owners).toEqual([{ owner: "@acme/web", source: "codeowners" }]);
  });

  it("a repository owner set by hand applies to its repo secrets; malformed owners and unknown targets are refused", async () => {
    const [api] = await handle.db.select().from(repositories).where(and(eq(repositories.orgId, orgId), eq(repositories.name, "api")));
    const ok = await executeUseCase(handle, responder, setOwner, { orgSlug: slug, targetType: "repository", repoId: api!.id, owner: " @acme/api-team   ivan@acme.test " }, testMeta());
    expect(ok).toMatchObject({ ok: true, data: { owner: "@acme/api-team ivan@acme.test" } });
    const [old] = await secretNamed("OLD_DATADOG_KEY");
    expect(old!.owners).toEqual([{ owner: "@acme/api-team", source: "manual" }, { owner: "ivan@acme.test", source: "manual" }]);
    const bad = await executeUseCase(handle, responder, setOwner, { orgSlug: slug, targetType: "repository", repoId: api!.id, owner: "not an owner" }, testMeta());
    expect(bad).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    const unknown = await executeUseCase(handle, responder, setOwner, { orgSlug: slug, targetType: "workflow", repoId: api!.id, workflowPath: ".github/workflows/nope.yml", owner: "@x" }, testMeta());
    expect(unknown).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});
