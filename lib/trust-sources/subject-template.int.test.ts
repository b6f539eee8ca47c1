// The OIDC subject template as GitHub answers it decides the evaluation: acme synced from the
// simulator stores every field of the repository's and the organisation's answer (with the
// owner's id), so a trust with an exact `sub` matches `yes` — not `possibly` — and a repository
// that switches to immutable subjects (`repo:OWNER@ID/REPO@ID`) stops matching name-based trusts.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openTestDatabase } from "@/lib/testing/test-db";
import { testMeta } from "@/lib/testing/fixtures";
import type { DatabaseHandle } from "@/lib/db/types";
import type { SessionUser } from "@/lib/authz/actor";
import { repositories } from "@/lib/db/schema";
import { executeUseCase } from "@/lib/door/use-case";
import { startSim } from "@/lib/github/test-sim";
import { useSimulatorApp } from "@/lib/testing/simulator-app";
import type { GithubSim } from "@/sim/github";
import { stopQueue } from "@/lib/jobs/queue";
import { connectedSimOrg, syncSimOrg } from "@/lib/testing/simulator-org";
import { createTrustSource } from "./trust-sources-service";
import { listTrusts, trustDetail } from "./trust-sources-repo";

process.env.AUTH_SECRET ??= "subject-template-test-auth-secret-0123456789";

const EXPORT = readFileSync(new URL("./testdata/acme-aws-authorization-details.json", import.meta.url), "utf8");

let handle: DatabaseHandle;
let sim: GithubSim;
let org: { id: string; slug: string };
let admin: SessionUser;

beforeAll(async () => {
  handle = await openTestDatabase();
  sim = await startSim({ acme: { id: 860_001 } });
  useSimulatorApp(sim);
  const connected = await connectedSimOrg(handle, sim, "acme", "admin");
  org = { id: connected.id, slug: connected.slug };
  admin = connected.member;
  await syncSimOrg(handle, org.id);
  const r = await executeUseCase(handle, admin, createTrustSource, { orgSlug: org.slug, name: "AWS production", provider: "aws", kind: "upload", file: { name: "acme-aws.json", content: EXPORT } }, testMeta());
  if (!r.ok) throw new Error(r.error.message);
}, 180_000);
afterAll(async () => {
  await stopQueue();
  await sim.close();
  await handle.close();
});

const detailOf = async (name: string) => (await trustDetail(handle.db, org.id, (await listTrusts(handle.db, org.id)).find((t) => t.name === name)!.id))!;

describe("the subject template GitHub returns", () => {
  it("is stored whole: the repository's answer, its organisation's, and the owner's id", async () => {
    const [api] = await handle.db.select({ t: repositories.oidcSubTemplate }).from(repositories).where(and(eq(repositories.orgId, org.id), eq(repositories.fullName, "acme/api")));
    expect(api?.t).toEqual({
      useDefault: true,
      includeClaimKeys: [],
      subClaimPrefix: "repo:acme/api",
      org: { includeClaimKeys: ["repo", "context"], useImmutableSubject: false },
      ownerId: sim.org("acme").id,
    });
  });

  it("makes an exact-sub trust's match certain: yes, with the sub GitHub will issue", async () => {
    const detail = await detailOf("gh-api-deploy");
    expect(detail.matches.map((m) => ({ job: `${m.repo}:${m.jobKey}`, sub: m.sub, decision: m.decision }))).toEqual([
      { job: "acme/api:image", sub: "repo:acme/api:environment:production", decision: "yes" },
    ]);
  });

  it("a repository switched to immutable subjects no longer matches the name-based trusts", async () => {
    const api = sim.org("acme").repos.find((r) => r.name === "api")!;
    const before = (await detailOf("gh-search-ecs-deploy")).matches.filter((m) => m.repo === "acme/api");
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((m) => m.decision === "yes")).toBe(true);
    api.oidcSub.useImmutableSubject = true;
    try {
      await syncSimOrg(handle, org.id);
      const [row] = await handle.db.select({ t: repositories.oidcSubTemplate }).from(repositories).where(and(eq(repositories.orgId, org.id), eq(repositories.fullName, "acme/api")));
      expect(row?.t?.subClaimPrefix).toBe(`repo:acme@${sim.org("acme").id}/api@${api.id}`);
      expect((await detailOf("gh-api-deploy")).matches).toEqual([]);
      expect((await detailOf("gh-search-ecs-deploy")).matches.filter((m) => m.repo === "acme/api")).toEqual([]);
    } finally {
      delete api.oidcSub.useImmutableSubject;
    }
  }, 120_000);
});
