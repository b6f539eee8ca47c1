// Buildkite steps against the organisation's trusts: acme synced from the simulator keeps
// payments-service's `.buildkite/pipeline.yml`, whose deploy step (branches: main) requests an
// OIDC token for AWS. An uploaded role trusting agent.buildkite.com for acme's `payments`
// pipeline on main matches that step — `possibly` while the Buildkite organization and
// pipeline are unknown, `yes` once they are given, not at all for another pipeline — and a
// GitHub role never matches a Buildkite step.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { testMeta } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import type { SessionUser } from "@/lib/authz/actor";
import { trustMatches, trusts } from "@/lib/db/schema";
import { executeUseCase } from "@/lib/door/use-case";
import { startSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import type { GithubSim } from "@/sim/github";
import { stopQueue } from "@/lib/jobs/queue";
import { connectedSimOrg, syncSimOrg } from "@/lib/testing/simulator-org";
import { startBuildkiteSim, type BuildkiteSim } from "@/sim/buildkite";
import { buildkiteAcme, buildkiteAcmeTokens } from "@/sim/fixtures/buildkite-acme";
import { createPipelineSource, readPipelineSourceNow } from "@/lib/pipeline-sources/pipeline-sources-service";
import { createTrustSource } from "./trust-sources-service";
import { evaluateOrgTrusts } from "./evaluate-org";

process.env.AUTH_SECRET ??= "buildkite-trust-test-auth-secret-0123456789";

const ACCOUNT = "210987654321";
const role = (name: string, provider: string, condition: Record<string, Record<string, string>>) => ({
  RoleName: name,
  Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
  AssumeRolePolicyDocument: {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${provider}` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }],
  },
});
const EXPORT = JSON.stringify({
  RoleDetailList: [
    role("bk-payments-deploy", "agent.buildkite.com", {
      StringEquals: { "agent.buildkite.com:aud": "sts.amazonaws.com" },
      StringLike: { "agent.buildkite.com:sub": "organization:acme:pipeline:payments:ref:refs/heads/main:*" },
    }),
    // GitHub's provider, any repository: matches GitHub jobs, never a Buildkite step.
    role("gh-any", "token.actions.githubusercontent.com", { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } }),
  ],
});

let handle: DatabaseHandle;
let sim: GithubSim;
let org: { id: string; slug: string };
let admin: SessionUser;
let bk: BuildkiteSim;

beforeAll(async () => {
  handle = await openTestDatabase();
  sim = await startSim({ acme: { id: 890_001 } });
  useSimulatorApp(sim);
  const connected = await connectedSimOrg(handle, sim, "acme", "admin");
  org = { id: connected.id, slug: connected.slug };
  admin = connected.member;
  await syncSimOrg(handle, org.id);
  const r = await executeUseCase(handle, admin, createTrustSource, { orgSlug: org.slug, name: "AWS", provider: "aws", kind: "upload", file: { name: "aws.json", content: EXPORT } }, testMeta());
  if (!r.ok) throw new Error(r.error.message);
}, 180_000);
afterAll(async () => {
  await bk?.close();
  await stopQueue();
  await sim.close();
  await handle.close();
});

async function matchesOf(name: string) {
  const [trust] = await handle.db.select({ id: trusts.id }).from(trusts).where(and(eq(trusts.orgId, org.id), eq(trusts.name, name)));
  const rows = await handle.db.select().from(trustMatches).where(and(eq(trustMatches.orgId, org.id), eq(trustMatches.trustId, trust!.id)));
  return rows.map((m) => ({ repo: m.repo, path: m.workflowPath, job: m.jobKey, decision: m.decision, sub: m.sub, linked: m.jobId !== null, uses: m.uses }));
}

describe("Buildkite steps in the trust join", () => {
  it("the role for the payments pipeline matches the deploy step, possibly: the organization and pipeline are not known yet", async () => {
    expect(await matchesOf("bk-payments-deploy")).toEqual([
      {
        repo: "acme/payments-service",
        path: ".buildkite/pipeline.yml",
        job: "deploy",
        decision: "possibly",
        sub: "organization:<organization>:pipeline:<pipeline>:ref:refs/heads/main:commit:<commit>:step:deploy",
        linked: true,
        // The step names gh-api-deploy, not this role.
        uses: false,
      },
    ]);
    const [trust] = await handle.db.select({ findings: trusts.findings, outside: trusts.outsideTokens }).from(trusts).where(and(eq(trusts.orgId, org.id), eq(trusts.name, "bk-payments-deploy")));
    expect(trust?.findings.map((f) => f.rule)).toContain("trust-broader-than-use");
    // Pinned to organization acme: but acme's own slug is not known, so another organization may be acme.
    expect(trust?.outside).toBe("possibly");
  });

  it("a GitHub role matches GitHub jobs only", async () => {
    const rows = await matchesOf("gh-any");
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((m) => m.path.startsWith(".github/workflows/"))).toBe(true);
  });

  it("with the Buildkite organization and pipeline given: yes for payments, nothing for another pipeline", async () => {
    const evaluate = (pipelineSlugs: string[]) =>
      handle.db.transaction((tx) => evaluateOrgTrusts(tx, org.id, { buildkite: { orgSlug: "acme", pipelinesByRepo: new Map([["acme/payments-service", pipelineSlugs]]) } }));
    await evaluate(["payments"]);
    expect((await matchesOf("bk-payments-deploy")).map((m) => [m.job, m.decision, m.sub])).toEqual([["deploy", "yes", "organization:acme:pipeline:payments:ref:refs/heads/main:commit:<commit>:step:deploy"]]);
    await evaluate(["payments-deploy"]);
    expect(await matchesOf("bk-payments-deploy")).toEqual([]);
    const [trust] = await handle.db.select({ findings: trusts.findings, outside: trusts.outsideTokens }).from(trusts).where(and(eq(trusts.orgId, org.id), eq(trusts.name, "bk-payments-deploy")));
    expect(trust?.outside).toBe("no");
    expect(trust?.findings.map((f) => f.rule)).toContain("trust-unused");
  });

  it("from a connected Buildkite organization: its Read now names acme and the pipeline uploading the file, and the role matches yes", async () => {
    bk = await startBuildkiteSim({ fixture: buildkiteAcme, tokens: buildkiteAcmeTokens });
    const input = { orgSlug: org.slug, name: "Buildkite: acme", kind: "buildkite", settings: { orgSlug: "acme", apiUrl: bk.url }, credentialsFrom: "stored", credentials: { token: "bkua_acme_reader" } };
    const created = await executeUseCase(handle, admin, createPipelineSource, input as never, testMeta());
    if (!created.ok) throw new Error(created.error.message);
    const read = await executeUseCase(handle, admin, readPipelineSourceNow, { orgSlug: org.slug, sourceId: (created.data as { id: string }).id }, testMeta());
    expect(read.ok && read.data.status).toBe("ok");
    // No inputs given: the evaluation took them from the source's read (payments uploads the file; payments-deploy runs stored steps only).
    expect((await matchesOf("bk-payments-deploy")).map((m) => [m.job, m.decision, m.sub])).toEqual([["deploy", "yes", "organization:acme:pipeline:payments:ref:refs/heads/main:commit:<commit>:step:deploy"]]);
  });
});
