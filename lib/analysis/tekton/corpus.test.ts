import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { collect } from "@/cli/collect";
import { describeWithCorpus } from "@/lib/testing/corpus";
import { analyzeFiles, createAnalysisCache, DEFAULT_MAX_BYTES, mergeResults, type AnalysisResult } from "../index";

// Every file of ../shared/corpus/tekton (real Tekton files from 18 public repositories, each
// with its SOURCE.txt), one repository per directory, collected as `gatehouse scan <dir>` does.
// The figures are exact so a change to the analyser shows here; each was read once by eye.

const CORPUS = join(import.meta.dirname, "../../../../shared/corpus/tekton");

function repos(): string[] {
  return existsSync(CORPUS) ? readdirSync(CORPUS).filter((d) => existsSync(join(CORPUS, d, "SOURCE.txt"))).sort() : [];
}

/** files / models / jobs / secret references / service accounts / unpinned references / pull-request-triggered models. */
function figures(files: number, r: AnalysisResult): string {
  const jobs = r.workflows.flatMap((w) => w.jobs);
  const accounts = new Set(jobs.flatMap((j) => j.identities.filter((i) => i.kind === "k8s-service-account").map((i) => i.id)));
  const unpinned = jobs.flatMap((j) => j.uses.filter((u) => !u.pinned && u.action === undefined && !u.uses.startsWith("cluster:")));
  const pr = r.workflows.filter((w) => w.untrustedTriggers.length > 0).length;
  return `${files} files, ${r.workflows.length} models, ${jobs.length} jobs, ${jobs.reduce((n, j) => n + j.secrets.length, 0)} secrets, ${accounts.size} accounts, ${unpinned.length} unpinned, ${pr} pr`;
}

describeWithCorpus(CORPUS, "Tekton corpus", () => {
  const cache = createAnalysisCache();
  const perRepo: Record<string, string> = {};
  const results: AnalysisResult[] = [];
  for (const repo of repos()) {
    const root = collect(join(CORPUS, repo), DEFAULT_MAX_BYTES);
    const result = analyzeFiles(root.files, undefined, { root: repo, cache });
    perRepo[repo] = figures(root.files.length, result);
    results.push(result);
  }
  const all = mergeResults(results);

  it("reads every file of every repository without an error", () => {
    expect(Object.keys(perRepo)).toHaveLength(18);
    expect(all.errors).toEqual([]);
    expect(all.workflows.every((w) => w.system === "tekton")).toBe(true);
  });

  it("records each repository's figures", () => {
    expect(perRepo).toMatchInlineSnapshot(`
      {
        "RedHatInsights__digital-roadmap-backend": "3 files, 3 models, 45 jobs, 4 secrets, 1 accounts, 0 unpinned, 1 pr",
        "containers__ramalama": "48 files, 48 models, 809 jobs, 74 secrets, 19 accounts, 6 unpinned, 18 pr",
        "enterprise-contract__ec-cli": "5 files, 5 models, 43 jobs, 4 secrets, 1 accounts, 3 unpinned, 1 pr",
        "jenkins-x__jx": "3 files, 2 models, 2 jobs, 1 secrets, 1 accounts, 4 unpinned, 2 pr",
        "konflux-ci__build-definitions": "42 files, 42 models, 242 jobs, 42 secrets, 1 accounts, 3 unpinned, 1 pr",
        "konflux-ci__release-service": "3 files, 3 models, 38 jobs, 7 secrets, 1 accounts, 10 unpinned, 1 pr",
        "konflux-ci__tekton-integration-catalog": "64 files, 64 models, 121 jobs, 53 secrets, 4 accounts, 54 unpinned, 3 pr",
        "openshift-pipelines__pipelines-as-code": "11 files, 11 models, 15 jobs, 21 secrets, 1 accounts, 13 unpinned, 5 pr",
        "openshift__pipelines-tutorial": "9 files, 7 models, 20 jobs, 0 secrets, 2 accounts, 0 unpinned, 0 pr",
        "securesign__secure-sign-operator": "4 files, 4 models, 4 jobs, 4 secrets, 2 accounts, 4 unpinned, 2 pr",
        "tektoncd__catalog": "89 files, 89 models, 91 jobs, 75 secrets, 0 accounts, 0 unpinned, 0 pr",
        "tektoncd__chains": "8 files, 8 models, 38 jobs, 10 secrets, 2 accounts, 6 unpinned, 0 pr",
        "tektoncd__cli": "6 files, 6 models, 17 jobs, 4 secrets, 1 accounts, 0 unpinned, 0 pr",
        "tektoncd__dashboard": "4 files, 4 models, 10 jobs, 0 secrets, 0 accounts, 6 unpinned, 0 pr",
        "tektoncd__hub": "3 files, 3 models, 20 jobs, 0 secrets, 0 accounts, 18 unpinned, 0 pr",
        "tektoncd__operator": "5 files, 5 models, 41 jobs, 10 secrets, 1 accounts, 8 unpinned, 0 pr",
        "tektoncd__pipeline": "4 files, 4 models, 34 jobs, 8 secrets, 1 accounts, 6 unpinned, 0 pr",
        "tektoncd__plumbing": "96 files, 63 models, 176 jobs, 44 secrets, 6 accounts, 61 unpinned, 1 pr",
      }
    `);
  });

  it("records corpus-wide counts", () => {
    const jobs = all.workflows.flatMap((w) => w.jobs);
    const perRule: Record<string, number> = {};
    for (const f of all.findings) perRule[`${f.rule} ${f.severity}`] = (perRule[`${f.rule} ${f.severity}`] ?? 0) + 1;
    const count = <T,>(xs: T[], key: (x: T) => string) => {
      const out: Record<string, number> = {};
      for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
      return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
    };
    expect({
      models: all.workflows.length,
      jobs: jobs.length,
      triggers: count(all.workflows.flatMap((w) => w.triggers), (t) => t),
      phases: count(jobs, (j) => j.phase),
      secretsVia: count(jobs.flatMap((j) => j.secrets), (s) => s.via),
      identities: count(jobs.flatMap((j) => j.identities), (i) => i.kind),
      idTokens: jobs.filter((j) => j.idToken).length,
      taskRefs: count(jobs, (j) => (j.taskRef ?? "").replace(/:.*/, ":…").replace(/^[^:…]+$/, (n) => (n === "inline" || n === "none" ? n : "repository"))),
      findings: Object.fromEntries(Object.entries(perRule).sort(([a], [b]) => a.localeCompare(b))),
    }).toMatchInlineSnapshot(`
      {
        "findings": {
          "tekton-pr-service-account critical": 1,
          "tekton-pr-service-account high": 23,
          "tekton-pr-service-account medium": 5,
          "tekton-secret-in-untrusted-task high": 8,
          "tekton-unpinned-reference high": 85,
          "tekton-unpinned-reference medium": 107,
        },
        "idTokens": 0,
        "identities": {
          "aws-access-key": 3,
          "gcp-service-account-key": 8,
          "github-pat": 15,
          "k8s-service-account": 1115,
          "kubeconfig": 14,
          "pypi-token": 1,
          "registry-login": 14,
          "tekton-chains": 88,
        },
        "jobs": 1766,
        "models": 371,
        "phases": {
          "build-untrusted": 467,
          "deploy": 104,
          "publish": 267,
          "verify": 928,
        },
        "secretsVia": {
          "param": 2,
          "secret-ref": 126,
          "volume": 72,
          "workspace": 161,
        },
        "taskRefs": {
          "bundles:…": 960,
          "cluster:…": 254,
          "custom:…": 5,
          "git:…": 68,
          "https:…": 1,
          "hub:…": 2,
          "inline": 99,
          "repository": 377,
        },
        "triggers": {
          "comment": 1,
          "incoming": 3,
          "issue_comment": 1,
          "pull_request": 33,
          "push": 36,
          "webhook": 27,
        },
      }
    `);
  });
});
