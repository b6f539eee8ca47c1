import { describe, expect, it } from "vitest";
import { emptyOrgFacts, type OrgFacts, type RepoSummary } from "@/lib/github/facts";
import { batchSizeFor, sliceOrgFacts } from "./sync-plan";

describe("batchSizeFor", () => {
  it("cuts an organisation into at least 8 batches of whole GraphQL pages (25), at most 100 repositories each", () => {
    expect([1, 25, 200, 201, 400, 800, 1000, 10_000].map(batchSizeFor)).toEqual([25, 25, 25, 50, 50, 100, 100, 100]);
  });
});

describe("sliceOrgFacts", () => {
  const repo = (githubId: number): RepoSummary => ({ githubId, name: `r${githubId}`, fullName: `o/r${githubId}`, visibility: "private", archived: false, fork: false, defaultBranch: "main", pushedAt: null });
  const org: OrgFacts = emptyOrgFacts("o", {
    secrets: [{ name: "S", createdAt: "", updatedAt: "", visibility: "selected", selectedRepositoryIds: [1, 2, 3] }],
    teams: [{ slug: "t", name: "T", repositories: { 1: "admin", 2: "push", 3: "admin" } }],
    customProperties: { 1: { tier: "a" }, 3: { tier: "c" } },
    unavailable: [{ part: "runners", kind: "forbidden", message: "no" }],
  });

  it("keeps the per-repository maps of the batch's repositories only, and everything else whole", () => {
    const sliced = sliceOrgFacts(org, [repo(1), repo(2)]);
    expect(sliced.customProperties).toEqual({ 1: { tier: "a" } });
    expect(sliced.teams).toEqual([{ slug: "t", name: "T", repositories: { 1: "admin", 2: "push" } }]);
    expect({ ...sliced, customProperties: org.customProperties, teams: org.teams }).toEqual(org);
  });
});
