import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { collect } from "@/cli/collect";
import { describeWithCorpus } from "@/lib/testing/corpus";
import { analyzeFiles, createAnalysisCache, DEFAULT_MAX_BYTES, mergeResults } from "../index";
import { parsePluginRef } from "./plugin-ref";

// Every file of ../shared/corpus/buildkite (real pipelines of 25 public repositories, each
// with its SOURCE.txt), collected per repository as `gatehouse scan` collects a checkout.
// The figures are asserted whole so that any change to what is read shows here; each
// pipeline's output was read once by eye (README "Corpus").

const CORPUS = join(import.meta.dirname, "../../../../shared/corpus/buildkite");

function count<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

describeWithCorpus(CORPUS, "Buildkite corpus", () => {
  const repos = existsSync(CORPUS) ? readdirSync(CORPUS).filter((d) => existsSync(join(CORPUS, d, "SOURCE.txt"))).sort() : [];
  const cache = createAnalysisCache();
  const result = mergeResults(
    repos.map((repo) => {
      const { files } = collect(join(CORPUS, repo), DEFAULT_MAX_BYTES);
      return analyzeFiles(files, undefined, { root: repo, cache });
    }),
  );
  const jobs = result.workflows.flatMap((w) => w.jobs);

  it("reads every pipeline of every repository without an error", () => {
    expect(repos).toHaveLength(25);
    expect(result.errors).toEqual([]);
    expect(result.workflows.every((w) => w.system === "buildkite")).toBe(true);
    expect(count(result.workflows, (w) => w.root)).toMatchInlineSnapshot(`
      {
        "Automattic__pocket-casts-android": 11,
        "JuliaGPU__CUDA.jl": 1,
        "bacalhau-project__bacalhau": 3,
        "buildkite__agent": 7,
        "buildkite__agent-stack-k8s": 1,
        "buildkite__buildkite-agent-metrics": 2,
        "buildkite__buildkite-mcp-server": 3,
        "buildkite__cli": 2,
        "buildkite__elastic-ci-stack-for-aws": 2,
        "buildkite__go-buildkite": 1,
        "chef__chef": 7,
        "elastic__eland": 2,
        "elastic__golang-crossbuild": 3,
        "elastic__logstash": 19,
        "google__gvisor": 3,
        "grapl-security__grapl": 5,
        "inspec__inspec": 5,
        "ray-project__kuberay": 6,
        "risingwavelabs__risingwave": 8,
        "seek-oss__skuba": 1,
        "sorbet__sorbet": 1,
        "theopenlane__core": 1,
        "wellcomecollection__catalogue-api": 4,
        "wix__Detox": 12,
      }
    `);
  });

  it("records what the pipelines hold", () => {
    const identities = jobs.flatMap((j) => j.identities);
    const oidc = identities.filter((i) => i.kind === "buildkite-oidc");
    const plugins = jobs.flatMap((j) => j.uses.map((u) => parsePluginRef(u.uses).pin));
    const figures = {
      pipelines: result.workflows.length,
      steps: count(jobs, (j) => j.stepType ?? "?"),
      secretRefs: count(jobs.flatMap((j) => j.secrets), (s) => s.via),
      distinctSecrets: new Set(jobs.flatMap((j) => j.secrets.map((s) => s.name))).size,
      stepsWithIdToken: jobs.filter((j) => j.idToken).length,
      oidcRequests: { total: oidc.length, fromCommands: oidc.filter((i) => i.source === "run").length, withoutAudience: oidc.filter((i) => i.audience === undefined).length, overAnHour: oidc.filter((i) => (i.lifetime ?? 0) > 3600).length },
      identities: count(identities, (i) => i.kind),
      systems: count(jobs.flatMap((j) => j.systems), (s) => s.kind),
      plugins: count(plugins, (p) => p),
      phases: count(jobs, (j) => j.phase),
      stepsOnPullRequests: jobs.filter((j) => j.runsUntrustedCode).length,
      stepsUploadingSteps: jobs.filter((j) => j.uploadsPipeline === true).length,
      stepsWithQueue: jobs.filter((j) => j.queue !== undefined).length,
      warnings: result.workflows.reduce((n, w) => n + w.warnings.length, 0),
      findings: count(result.findings, (f) => `${f.rule} ${f.severity}`),
    };
    expect(figures).toMatchInlineSnapshot(`
      {
        "distinctSecrets": 59,
        "findings": {
          "buildkite-command-interpolation high": 4,
          "buildkite-oidc-long-lifetime medium": 7,
          "buildkite-plugin-unpinned high": 2,
          "buildkite-plugin-unpinned low": 135,
          "buildkite-secrets-untrusted-step high": 3,
          "buildkite-secrets-untrusted-step medium": 16,
        },
        "identities": {
          "aws-role": 75,
          "buildkite-oidc": 79,
          "gcp-workload-identity": 9,
          "registry-login": 43,
        },
        "oidcRequests": {
          "fromCommands": 0,
          "overAnHour": 7,
          "total": 79,
          "withoutAudience": 8,
        },
        "phases": {
          "build-untrusted": 140,
          "deploy": 98,
          "publish": 11,
          "verify": 511,
        },
        "pipelines": 110,
        "plugins": {
          "builtin": 5,
          "floating": 2,
          "local": 111,
          "sha": 12,
          "variable": 21,
          "version": 574,
        },
        "secretRefs": {
          "env": 47,
          "plugin": 110,
          "run": 1,
          "secret-ref": 264,
        },
        "steps": {
          "block": 4,
          "command": 743,
          "input": 3,
          "trigger": 10,
        },
        "stepsOnPullRequests": 140,
        "stepsUploadingSteps": 19,
        "stepsWithIdToken": 79,
        "stepsWithQueue": 325,
        "systems": {
          "aws-account": 123,
          "container-registry": 36,
          "gcp-project": 19,
          "gcp-wif-provider": 2,
          "kubernetes": 19,
          "vault": 30,
        },
        "warnings": 5,
      }
    `);
  });

  it("attributes every finding to a pipeline file and a line", () => {
    const paths = new Set(result.workflows.map((w) => `${w.root}/${w.path}`));
    for (const f of result.findings) {
      expect(paths.has(`${f.root}/${f.path}`)).toBe(true);
      expect(f.line).toBeGreaterThan(0);
      expect(f.job).not.toBeNull();
    }
  });
});
