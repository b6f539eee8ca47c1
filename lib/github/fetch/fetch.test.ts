import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GithubSim } from "@/sim/github";
import { MemoryEtagStore } from "../etag";
import { isSkipped, SKIPPABLE_PARTS, type RepoFacts, type RepoFetchError } from "../facts";
import type { FetchEvent } from "../stats";
import { appClient, startSim } from "../test-sim";
import { createOrgFetcher } from "./index";

async function collect(iter: AsyncIterable<RepoFacts | RepoFetchError>) {
  const facts: RepoFacts[] = [];
  const errors: RepoFetchError[] = [];
  for await (const item of iter) {
    if ("files" in item) facts.push(item);
    else errors.push(item);
  }
  facts.sort((a, b) => a.repo.name.localeCompare(b.repo.name));
  return { facts, errors };
}

const withoutFiles = (f: RepoFacts) => ({ ...f, files: [], filesFetched: false });

let sim: GithubSim;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim.close();
});

describe("full fetch", () => {
  it("returns the facts test-org's fixtures hold", async () => {
    const model = sim.org("test-org");
    const service = model.repos.find((r) => r.name === "service")!;
    const library = model.repos.find((r) => r.name === "library")!;
    const fetcher = createOrgFetcher({ client: appClient(sim, "test-org"), org: "test-org", etags: new MemoryEtagStore() });

    const org = await fetcher.fetchOrg();
    expect(org.unavailable).toEqual([]);
    expect(org.secrets.find((s) => s.name === "NPM_TOKEN")).toMatchObject({ visibility: "selected", selectedRepositoryIds: [library.id] });
    expect(org.secrets.find((s) => s.name === "SLACK_WEBHOOK_URL")).toMatchObject({ visibility: "all", selectedRepositoryIds: null });
    expect(org.teams.find((t) => t.slug === "core")?.repositories[service.id]).toBe("admin");
    expect(org.runners.map((r) => [r.name, r.groupId])).toEqual([["ops-runner-1", 2]]);
    expect(org.customProperties[service.id]).toEqual({ "owner-team": "core" });

    const repos = await fetcher.listRepos();
    expect(repos.map((r) => r.name).sort()).toEqual(model.repos.map((r) => r.name).sort());
    const { facts, errors } = await collect(fetcher.fetchRepos(repos));
    expect(errors).toEqual([]);
    const svc = facts.find((f) => f.repo.name === "service")!;
    const secret = service.secrets.find((s) => s.name === "SENTRY_AUTH_TOKEN")!;
    expect(svc.secrets).toContainEqual({ name: "SENTRY_AUTH_TOKEN", createdAt: secret.createdAt, updatedAt: secret.updatedAt });
    const prod = svc.environments.find((e) => e.name === "production")!;
    expect(prod.protection).toEqual({
      requiredReviewers: [{ type: "Team", login: "core" }],
      preventSelfReview: true,
      waitTimerMinutes: 5,
      branchPolicy: { protectedBranches: true, customBranchPolicies: false },
    });
    expect(prod.secrets.map((s) => s.name)).toEqual(["PROD_DB_PASSWORD"]);
    expect(prod.variables).toContainEqual(expect.objectContaining({ name: "CLUSTER", value: "prod-eu-1" }));
    const blob = service.files.get(".github/workflows/deploy.yml")!;
    expect(svc.files).toContainEqual({ path: ".github/workflows/deploy.yml", oid: blob.oid, text: blob.text });
    expect(svc.files.map((f) => f.path)).toContain(".github/CODEOWNERS");
    expect(svc.workflows.map((w) => [w.path, w.state])).toContainEqual([".github/workflows/deploy.yml", "active"]);
    expect(svc.deployKeys).toEqual([expect.objectContaining({ title: "argo-cd", readOnly: true })]);
    expect(facts.find((f) => f.repo.name === "tools")?.workflows[0]?.state).toBe("disabled_inactivity");
    expect(facts.find((f) => f.repo.name === "library")?.files.map((f) => f.path)).toContain("CODEOWNERS");
  });

  it("acme: ≤ 6 charged requests per repo plus environments, and an unchanged re-sync is nearly free", { timeout: 30_000 }, async () => {
    const model = sim.org("acme");
    const etags = new MemoryEtagStore();
    const client = appClient(sim, "acme");
    const full = createOrgFetcher({ client, org: "acme", etags });
    const org = await full.fetchOrg();
    expect(org.unavailable).toEqual([]);
    // Everything GitHub answers about the organisation's subject template, and its id (immutable subjects).
    expect(org.oidcSubTemplate).toEqual({ useDefault: false, includeClaimKeys: ["repo", "context"], useImmutableSubject: false });
    expect(org.githubId).toBe(model.id);
    const adminTeams = org.teams.filter((t) => Object.values(t.repositories).includes("admin")).map((t) => t.slug);
    expect(adminTeams).toContain("payments");
    const orgStats = full.stats();
    const repos = await full.listRepos();
    expect(repos).toHaveLength(model.repos.length);
    const first = await collect(full.fetchRepos(repos));
    expect(first.errors).toEqual([]);
    expect(first.facts).toHaveLength(model.repos.length);
    const envCount = first.facts.reduce((n, f) => n + f.environments.length, 0);
    const repoCharged = full.stats().charged - orgStats.charged;
    const perRepo = repoCharged / repos.length;
    // The arithmetic of README.md: 1 repo list page; per repo secrets + deploy keys (2) + each of
    // workflows, default permissions, OIDC template, runners, variables not skipped (1) + per
    // environment its secrets (1) and its variables unless skipped (1) + 1 environment list per repo
    // with a branch-policy environment; + 1 GraphQL query per batch (+1 when composite actions exist).
    const optional = ["workflows", "defaultWorkflowPermissions", "oidcSubTemplate", "runners", "variables"] as const;
    const rest = first.facts.reduce(
      (n, f) =>
        n +
        2 +
        optional.filter((p) => !isSkipped(f, p)).length +
        f.environments.length * (isSkipped(f, "environments.variables") ? 1 : 2) +
        (f.environments.some((e) => e.protection.branchPolicy !== null) ? 1 : 0),
      1,
    );
    expect(repoCharged - rest).toBeGreaterThanOrEqual(1);
    expect(repoCharged - rest).toBeLessThanOrEqual(2);
    // The budget: ≤ 6 per repository plus one per environment.
    expect(perRepo).toBeLessThanOrEqual(6 + envCount / repos.length);
    const pay = first.facts.find((f) => f.repo.name === "payments-service")!;
    expect(pay.environments.find((e) => e.name === "production")?.protection.requiredReviewers).toEqual([
      { type: "Team", login: "payments" },
      { type: "Team", login: "security" },
    ]);
    expect(pay.environments.find((e) => e.name === "staging")?.protection.branchPolicy).toEqual({ protectedBranches: false, customBranchPolicies: true });
    // payments-service has the custom OIDC template and calls platform-actions' reusable workflow;
    // GitHub's answer also names the repository's current subject prefix (classic: created before 2026-07-15).
    expect(pay.oidcSubTemplate).toEqual({ useDefault: false, includeClaimKeys: ["repo", "context", "job_workflow_ref"], subClaimPrefix: "repo:acme/payments-service" });
    expect(pay.skipped).toEqual(["defaultWorkflowPermissions: every workflow sets top-level permissions, no job inherits the default"]);
    expect(pay.variables.map((v) => v.name)).toContain("GCP_SERVICE_ACCOUNT");
    // Self-hosted jobs (infra apply, oss-widget ci) keep their runners call.
    for (const name of ["infra", "oss-widget", "data-experiments", "ml-training"]) expect(isSkipped(first.facts.find((f) => f.repo.name === name)!, "runners")).toBe(false);
    // Repos whose jobs inherit the default token permissions keep that call: the rule needs it.
    for (const name of ["legacy-billing", "marketing-site"]) expect(first.facts.find((f) => f.repo.name === name)?.defaultWorkflowPermissions).toBe("write");
    const platform = first.facts.find((f) => f.repo.name === "platform-actions")!;
    expect(platform.files.map((f) => f.path)).toContain(".github/actions/setup-toolchain/action.yml");

    // Re-sync with the same store, no files, no knownFiles: every REST call is a 304 and the
    // decisions come back from the store (the tree's blob oids are unchanged).
    const again = createOrgFetcher({ client: appClient(sim, "acme"), org: "acme", etags });
    await again.fetchOrg();
    const reposAgain = await again.listRepos();
    const second = await collect(again.fetchRepos(reposAgain, { filesFor: new Set() }));
    expect(second.errors).toEqual([]);
    expect(second.facts.map(withoutFiles)).toEqual(first.facts.map(withoutFiles));
    expect(second.facts.every((f) => !f.filesFetched && f.files.length === 0)).toBe(true);
    const s = again.stats();
    expect(s.charged / repos.length).toBeLessThanOrEqual(0.1);
    expect(s.notModified).toBeGreaterThan(repos.length * 2);
    FIGURES.acme = { repos: repos.length, envCount, fullCharged: repoCharged, perRepoFull: perRepo, budget: 6 + envCount / repos.length, resyncCharged: s.charged, perRepoResync: s.charged / repos.length, graphqlPoints: full.stats().graphqlPoints };
  });

  it("acme: nothing the skipped calls would return is lost", { timeout: 30_000 }, async () => {
    const etags = new MemoryEtagStore();
    const lean = createOrgFetcher({ client: appClient(sim, "acme"), org: "acme", etags });
    const { facts } = await collect(lean.fetchRepos(await lean.listRepos()));
    const everything = createOrgFetcher({ client: appClient(sim, "acme"), org: "acme", etags: new MemoryEtagStore(), alwaysFetch: [...SKIPPABLE_PARTS] });
    const all = await collect(everything.fetchRepos(await everything.listRepos()));
    expect(all.facts.every((f) => f.skipped?.length === 0)).toBe(true);
    for (const f of facts) {
      const full = all.facts.find((x) => x.repo.githubId === f.repo.githubId)!;
      // A skipped OIDC template is GitHub's default one; skipped runners and variables are none.
      if (isSkipped(f, "oidcSubTemplate")) expect(full.oidcSubTemplate?.useDefault ?? true).toBe(true);
      if (isSkipped(f, "runners")) expect(full.runners).toEqual([]);
      if (isSkipped(f, "variables")) expect(full.variables).toEqual([]);
      if (isSkipped(f, "environments.variables")) expect(full.environments.flatMap((e) => e.variables)).toEqual([]);
      // What was fetched is the same either way.
      expect({ ...f, skipped: [], oidcSubTemplate: null, defaultWorkflowPermissions: null }).toEqual({ ...full, skipped: [], oidcSubTemplate: null, defaultWorkflowPermissions: null });
      if (!isSkipped(f, "oidcSubTemplate")) expect(f.oidcSubTemplate).toEqual(full.oidcSubTemplate);
      if (!isSkipped(f, "defaultWorkflowPermissions")) expect(f.defaultWorkflowPermissions).toEqual(full.defaultWorkflowPermissions);
    }
  });

  it("knownFiles drive the same decisions as fetched files; stale or missing ones fetch everything", { timeout: 30_000 }, async () => {
    const fetched = createOrgFetcher({ client: appClient(sim, "acme"), org: "acme", etags: new MemoryEtagStore() });
    const repos = await fetched.listRepos();
    const first = await collect(fetched.fetchRepos(repos));
    const knownFiles = new Map(first.facts.map((f) => [f.repo.githubId, f.files]));
    expect(first.facts.some((f) => (f.skipped ?? []).length > 0)).toBe(true);

    // A cold store (nothing remembered): the decisions can only come from knownFiles.
    const known = createOrgFetcher({ client: appClient(sim, "acme"), org: "acme", etags: new MemoryEtagStore() });
    const second = await collect(known.fetchRepos(repos, { filesFor: new Set(), knownFiles }));
    expect(second.errors).toEqual([]);
    expect(second.facts.map(withoutFiles)).toEqual(first.facts.map(withoutFiles));
    // Same calls, minus the repo list page and the composite-actions text query (no text fetched).
    expect(known.stats().charged).toBe(fetched.stats().charged - 2);

    // Without them, or with files that no longer match the tree's blob oids: nothing is skipped.
    const blind = createOrgFetcher({ client: appClient(sim, "acme"), org: "acme", etags: new MemoryEtagStore() });
    const stale = new Map(knownFiles);
    const web = first.facts.find((f) => f.repo.name === "web")!;
    stale.set(web.repo.githubId, web.files.map((f, i) => (i === 0 ? { ...f, oid: "0".repeat(40) } : f)));
    const third = await collect(blind.fetchRepos(repos, { filesFor: new Set(), knownFiles: new Map([...stale].filter(([id]) => id === web.repo.githubId)) }));
    expect(third.facts.every((f) => f.skipped?.length === 0)).toBe(true);
    expect(third.facts.find((f) => f.repo.name === "web")?.defaultWorkflowPermissions).not.toBeNull();
  });

  it("a remembered decision holds only while the workflow blobs are unchanged", async () => {
    const etags = new MemoryEtagStore();
    const fetcher = createOrgFetcher({ client: appClient(sim, "test-org"), org: "test-org", etags });
    const repos = await fetcher.listRepos();
    const tools = (r: { facts: RepoFacts[] }) => r.facts.find((f) => f.repo.name === "tools")!;
    const first = await collect(fetcher.fetchRepos(repos));
    const perms = "defaultWorkflowPermissions: every workflow sets top-level permissions, no job inherits the default";
    const oidc = "oidcSubTemplate: no workflow or composite action grants id-token: write";
    // Its job runs on [self-hosted, linux, ops]: runners are fetched.
    expect(tools(first).skipped).toEqual([perms, oidc, "variables: no file mentions vars", "environments.variables: no file mentions vars"]);
    expect(tools(await collect(fetcher.fetchRepos(repos, { filesFor: new Set() }))).skipped).toEqual(tools(first).skipped);

    const path = ".github/workflows/nightly.yml";
    const original = sim.org("test-org").repos.find((r) => r.name === "tools")!.files.get(path)!.text;
    await sim.setFile("test-org", "tools", path, `${original}      - run: echo \${{ vars.REPORT_BUCKET }}\n`);
    try {
      // Files not re-fetched, none known: the tree changed, so nothing is skipped.
      expect(tools(await collect(fetcher.fetchRepos(repos, { filesFor: new Set() }))).skipped).toEqual([]);
      // Fetched again: the new text decides.
      expect(tools(await collect(fetcher.fetchRepos(repos))).skipped).toEqual([perms, oidc]);
    } finally {
      await sim.setFile("test-org", "tools", path, original);
    }
  });
});

const FIGURES: Record<string, unknown> = {};
afterAll(() => {
  process.stderr.write(`figures ${JSON.stringify(FIGURES)}\n`);
});

describe("events", () => {
  it("reports secondary rate limits and 5xx retries through onEvent and completes", async () => {
    const events: FetchEvent[] = [];
    sim.injectFault({ kind: "secondary-rate-limit", match: "/repos/test-org/service/actions/secrets", count: 1 });
    sim.injectFault({ kind: "server-error", match: "/repos/test-org/library/keys", count: 2 });
    sim.injectFault({ kind: "server-error", match: "POST /graphql", count: 1 });
    const fetcher = createOrgFetcher({ client: appClient(sim, "test-org"), org: "test-org", etags: new MemoryEtagStore(), onEvent: (e) => events.push(e) });
    const { facts, errors } = await collect(fetcher.fetchRepos(await fetcher.listRepos()));
    expect(errors).toEqual([]);
    expect(facts.find((f) => f.repo.name === "service")?.secrets.map((s) => s.name)).toContain("SENTRY_AUTH_TOKEN");
    expect(events).toContainEqual({ type: "rate-limited", waitMs: 5, limit: "secondary" });
    expect(events.filter((e) => e.type === "retry").length).toBeGreaterThanOrEqual(4);
    expect(fetcher.stats().retries).toBeGreaterThanOrEqual(4);
    expect(fetcher.stats().rateLimitWaitMs).toBeGreaterThanOrEqual(5);
  });
});
