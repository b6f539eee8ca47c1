import { describe, expect, it } from "vitest";
import type { ScopeEntry } from "./scope";
import { planChecklist } from "./checklist";
import { rebuildReleaseCommand, runLogsCommand } from "./commands";
import { addReleases, releaseInWindow, toReleaseInWindow, type RawRelease } from "./releases";

// Steps 5 and 6 from a frozen scope: the releases inside the window (one rebuild item each) and
// the run logs of public repositories. Pure: no database, no GitHub.

const window = { from: new Date("2025-03-14T16:00:00Z"), to: new Date("2025-03-15T12:00:00Z") };

const raw = (over: Partial<RawRelease>): RawRelease => ({
  id: 1,
  tag_name: "v1.0.0",
  name: null,
  draft: false,
  prerelease: false,
  created_at: "2025-03-14T18:00:00Z",
  published_at: "2025-03-14T18:00:00Z",
  target_commitish: "main",
  html_url: "https://github.com/acme/sdk-js/releases/tag/v1.0.0",
  ...over,
});

describe("releaseInWindow", () => {
  it("takes a release created or published inside the window, both ends included", () => {
    expect(releaseInWindow(raw({ created_at: "2025-03-14T16:00:00Z", published_at: null }), window)).toBe(true);
    expect(releaseInWindow(raw({ created_at: "2025-03-15T12:00:00Z", published_at: "2025-03-16T00:00:00Z" }), window)).toBe(true);
    // A draft created long before, published inside the window (release-drafter's way).
    expect(releaseInWindow(raw({ created_at: "2025-02-01T00:00:00Z", published_at: "2025-03-15T01:00:00Z" }), window)).toBe(true);
    expect(releaseInWindow(raw({ created_at: "2025-03-14T15:59:59Z", published_at: "2025-03-14T15:59:59Z" }), window)).toBe(false);
    expect(releaseInWindow(raw({ created_at: "2025-03-15T12:00:01Z", published_at: null }), window)).toBe(false);
  });
});

function scope(): ScopeEntry[] {
  const wf = (key: string, repo: string, path: string, runs?: number): ScopeEntry => ({
    kind: "workflow",
    key,
    label: `${repo}/${path}`,
    exposure: runs ? "exposed" : "reachable",
    data: { repo, path, githubWorkflowId: Number(key.slice(2)), owner: "@acme/sdk", phases: ["publish"], visibility: "public", ...(runs ? { runsInWindow: runs } : {}) },
  });
  return [
    wf("wf101", "acme/sdk-js", ".github/workflows/publish.yml", 2),
    wf("wf102", "acme/sdk-js", ".github/workflows/ci.yml"),
    wf("wf201", "acme/api", ".github/workflows/deploy.yml"),
    { kind: "repository", key: "r1", label: "acme/sdk-js", exposure: "exposed", data: { repo: "acme/sdk-js", githubId: 11, visibility: "public", owner: "@acme/sdk", logReview: true } },
    { kind: "repository", key: "r2", label: "acme/api", exposure: "reachable", data: { repo: "acme/api", githubId: 22, visibility: "private", owner: "@acme/backend" } },
    { kind: "system", key: "npm:registry.npmjs.org", label: "npm registry.npmjs.org", exposure: "exposed", data: { kind: "npm", identifier: "registry.npmjs.org", workflowIds: ["wf101"] } },
    { kind: "system", key: "slack:", label: "slack", exposure: "exposed", data: { kind: "slack", identifier: null, workflowIds: ["wf101"] } },
  ];
}

describe("addReleases and the release items of step 5", () => {
  const entries = () => {
    const s = scope();
    addReleases(s, [
      toReleaseInWindow("acme/sdk-js", raw({ id: 77, tag_name: "v2.4.1", name: "SDK 2.4.1", html_url: "https://github.com/acme/sdk-js/releases/tag/v2.4.1" })),
      toReleaseInWindow("acme/api", raw({ id: 88, tag_name: "api-2025.03.14", target_commitish: "0123456789abcdef0123456789abcdef01234567", prerelease: true, html_url: "https://github.com/acme/api/releases/tag/api-2025.03.14" })),
    ]);
    return s;
  };

  it("one scope entry per release: exposed when an in-scope workflow of its repository ran inside the window, the repository's owner, the registries its jobs publish to", () => {
    const releases = entries().filter((e) => e.kind === "release");
    expect(releases.map((r) => [r.key, r.label, r.exposure])).toEqual([
      ["acme/sdk-js:77", "acme/sdk-js v2.4.1", "exposed"],
      ["acme/api:88", "acme/api api-2025.03.14", "reachable"],
    ]);
    expect(releases[0]!.data).toMatchObject({ repoGithubId: 11, owner: "@acme/sdk", registries: ["npm registry.npmjs.org"], workflowsInWindow: [{ path: ".github/workflows/publish.yml", runs: 2 }] });
    expect(releases[1]!.data).toMatchObject({ owner: "@acme/backend", registries: [], workflowsInWindow: [] });
  });

  it("a rebuild item per release, finished by hand, with the release, its owner and the exact commands", () => {
    const items = planChecklist(entries(), { org: "acme", startedAt: new Date("2025-03-16T09:00:00Z"), window }).filter((i) => i.kind === "rebuild-release");
    expect(items.map((i) => [i.step, i.label, i.owner, i.exposed])).toEqual([
      [5, "Rebuild acme/sdk-js v2.4.1 from a clean runner", "@acme/sdk", true],
      [5, "Rebuild acme/api api-2025.03.14 from a clean runner", "@acme/backend", false],
    ]);
    const [sdk, api] = items;
    expect(sdk!.detail!.split("\n")).toEqual([
      'v2.4.1 "SDK 2.4.1": created 2025-03-14 18:00 UTC, published 2025-03-14 18:00 UTC.',
      "https://github.com/acme/sdk-js/releases/tag/v2.4.1",
      "In-scope workflows of acme/sdk-js ran inside the window (publish.yml: 2 run(s)): one of those runs may have built it.",
      "Packages: the in-scope jobs of acme/sdk-js also publish to npm registry.npmjs.org: check what they published inside the window there and rebuild it too (step 4 has each registry's steps).",
      "Finish it by hand: done with evidence (the new release and the run that built it), or skipped with a reason.",
    ]);
    expect(sdk!.command).toBe(rebuildReleaseCommand({ repo: "acme/sdk-js", id: 77, tagName: "v2.4.1", targetCommitish: "main" }));
    expect(api!.detail).toContain("(prerelease)");
    expect(api!.detail).toContain("No in-scope workflow of acme/api ran inside the window");
    expect(api!.detail).not.toContain("Packages:");
    // The publish workflow's own item still deletes its artifacts, and points at the release items.
    const rebuild = planChecklist(entries(), { org: "acme", startedAt: new Date(), window }).find((i) => i.kind === "rebuild" && i.label.includes("sdk-js/.github/workflows/publish.yml"));
    expect(rebuild!.detail).toContain("The 1 release(s) of acme/sdk-js inside the window have items of their own.");
  });

  it("the commands take the release out of use, delete its assets, and release again from the fixed branch (never a re-run of the old tag)", () => {
    expect(rebuildReleaseCommand({ repo: "acme/sdk-js", id: 77, tagName: "v2.4.1", targetCommitish: "main" }).split("\n")).toEqual([
      "# 1. take it out of use: a draft is hidden, downloads included, from everyone without push access",
      "gh api -X PATCH repos/acme/sdk-js/releases/77 -F draft=true",
      "#    or keep it visible, marked: gh api -X PATCH repos/acme/sdk-js/releases/77 -f name='v2.4.1 (compromised: do not use)' -f make_latest='false' -F prerelease=true",
      "# 2. delete the assets a compromised run may have built",
      "gh api repos/acme/sdk-js/releases/77/assets --paginate --jq '.[].id'  # then for each: gh api -X DELETE repos/acme/sdk-js/releases/assets/<id>",
      "# 3. once the fix is in main and the workflow re-enabled (step 7): release again from a clean runner",
      "gh release create <next-version> --repo acme/sdk-js --target 'main' --title '<next-version> (rebuild of v2.4.1)' --notes 'Rebuilt from a clean runner; replaces v2.4.1.'",
    ]);
    // A release cut from a commit: the fix is a commit to name, not that one.
    expect(rebuildReleaseCommand({ repo: "acme/api", id: 88, tagName: "x", targetCommitish: "0123456789abcdef0123456789abcdef01234567" })).toContain("--target '<the fixed commit>'");
  });
});

describe("run logs of public repositories (step 6)", () => {
  it("one item per public repository with runs inside the window; its command lists every in-scope workflow's completed runs, keeps their logs, deletes them", () => {
    const items = planChecklist(scope(), { org: "acme", startedAt: new Date(), window }).filter((i) => i.kind === "delete-run-logs");
    expect(items.map((i) => [i.step, i.scopeKey, i.owner, i.exposed])).toEqual([[6, "repository:r1", "@acme/sdk", true]]);
    expect(items[0]!.detail).toContain("its 2 in-scope workflow(s) inside the window");
    expect(items[0]!.command).toBe(runLogsCommand("acme/sdk-js", [101, 102], window));
    expect(items[0]!.command!.split("\n")).toEqual([
      "gh api 'repos/acme/sdk-js/actions/workflows/101/runs?created=2025-03-14T16:00:00Z..2025-03-15T12:00:00Z&status=completed&per_page=100' --paginate --jq '.workflow_runs[].id' >> runs.txt",
      "gh api 'repos/acme/sdk-js/actions/workflows/102/runs?created=2025-03-14T16:00:00Z..2025-03-15T12:00:00Z&status=completed&per_page=100' --paginate --jq '.workflow_runs[].id' >> runs.txt",
      "# read them first, and keep a copy as evidence:",
      'while read -r id; do gh run view "$id" --repo acme/sdk-js --log > "run-$id.log"; done < runs.txt',
      'while read -r id; do gh api -X DELETE "repos/acme/sdk-js/actions/runs/$id/logs"; done < runs.txt',
    ]);
  });
});
