import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, it } from "vitest";
import { describeWithCorpus } from "@/lib/testing/corpus";
import { analyzeFiles, createAnalysisCache, mergeResults, type SourceFile } from "./index";
import { corpusRepos, REAL_WORLD_CORPUS, yamlFilesUnder } from "./test-support";

const CORPUS = REAL_WORLD_CORPUS;

function loadRepo(repo: string): SourceFile[] {
  const root = join(CORPUS, repo);
  const wfDir = join(root, ".github/workflows");
  const workflows = readdirSync(wfDir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(wfDir, e.name));
  const actionsDir = join(root, ".github/actions");
  const actions = existsSync(actionsDir) ? yamlFilesUnder(actionsDir).filter((p) => /\/action\.ya?ml$/.test(p)) : [];
  return [...workflows, ...actions].map((p) => ({ path: relative(root, p), content: readFileSync(p) }));
}

describeWithCorpus(CORPUS, "real-world corpus", () => {
  const repos = corpusRepos();
  const cache = createAnalysisCache();
  const result = mergeResults(repos.map((repo) => analyzeFiles(loadRepo(repo), undefined, { root: repo, cache })));

  it("analyses every workflow without an error", () => {
    expect(repos).toHaveLength(21);
    expect(result.errors).toEqual([]);
    expect(result.workflows).toHaveLength(407);
  });

  it("records corpus-wide counts", () => {
    const jobs = result.workflows.flatMap((w) => w.jobs);
    const perRule: Record<string, number> = {};
    for (const f of result.findings) perRule[f.rule] = (perRule[f.rule] ?? 0) + 1;
    const counts = {
      workflows: result.workflows.length,
      jobs: jobs.length,
      jobsWithIdToken: jobs.filter((j) => j.idToken).length,
      jobsInheritingDefault: jobs.filter((j) => j.permissionsSource === "default").length,
      secretRefs: jobs.reduce((n, j) => n + j.secrets.length, 0),
      distinctSecrets: new Set(jobs.flatMap((j) => j.secrets.map((s) => s.name))).size,
      identities: jobs.reduce((n, j) => n + j.identities.length, 0),
      phases: Object.fromEntries(["build-untrusted", "verify", "publish", "deploy"].map((p) => [p, jobs.filter((j) => j.phase === p).length])),
      findings: Object.fromEntries(Object.entries(perRule).sort(([a], [b]) => a.localeCompare(b))),
    };
    // Changes for issue 13, each from a new rule: cache-in-release-pipeline (13: builds in
    // release/tag workflows, or feeding a default-branch publish, that restore the Actions cache);
    // privileged-trigger (51: one per outsider-startable privileged trigger whose jobs hold anything);
    // reusable-workflow-default-permissions (1: a workflow_call workflow without permissions, no local caller);
    // token-write-unused (9, issue 12: GITHUB_TOKEN write scopes of jobs whose steps are all known
    // not to write with it; all 9 read and right — packages on test/build jobs, pages on a docs
    // build, checks on a PR-title check, contents on jobs pushing with an app token or a PAT);
    // checkout-persisted-credentials 94 -> 86: its upload case is now artifact-leaks-token, which finds
    // none here — the 8 uploads were of a single .tar file or a subdirectory, never of .git.
    expect(counts).toMatchInlineSnapshot(`
      {
        "distinctSecrets": 234,
        "findings": {
          "cache-in-privileged-job": 31,
          "cache-in-release-pipeline": 13,
          "checkout-persisted-credentials": 86,
          "deploy-without-environment": 12,
          "github-pat": 25,
          "id-token-at-workflow-level": 5,
          "id-token-unused": 1,
          "long-lived-credential": 3,
          "phase-mixing": 11,
          "privileged-trigger": 51,
          "reusable-workflow-default-permissions": 1,
          "secret-outside-environment": 19,
          "secret-to-unpinned-action": 7,
          "secrets-inherit": 77,
          "self-hosted-runner-untrusted": 8,
          "token-blanket": 8,
          "token-inherits-default": 32,
          "token-write-at-workflow-level": 42,
          "token-write-unused": 9,
          "unpinned-action": 97,
          "untrusted-checkout-privileged": 3,
          "untrusted-trigger-with-credentials": 58,
        },
        "identities": 181,
        "jobs": 903,
        "jobsInheritingDefault": 65,
        "jobsWithIdToken": 187,
        "phases": {
          "build-untrusted": 230,
          "deploy": 37,
          "publish": 44,
          "verify": 592,
        },
        "secretRefs": 1086,
        "workflows": 407,
      }
    `);
  });

  it("attributes every finding to a file and a line", () => {
    for (const f of result.findings) {
      expect(f.path).toMatch(/^\.github\/workflows\/[^/]+\.ya?ml$/);
      expect(f.line).toBeGreaterThan(0);
    }
  });
});
