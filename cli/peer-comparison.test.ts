import { join } from "node:path";
import { expect, it } from "vitest";
import { describeWithCorpus } from "@/lib/testing/corpus";
import type { AnalysisResult } from "../lib/analysis/index";
import { scan } from "./main";

// `gatehouse scan` on the peer analysers' own fixtures, family by family: for every fixture
// where zizmor (default persona) or poutine reports a credential hazard, Gatehouse reports one
// of the family's rules, or the difference is written down below with its reason. The table in
// lib/analysis/README.md says the same in prose. What the peers report comes from their test
// expectations: zizmor 11bbf7e (crates/zizmor/tests/integration, default persona; the
// gha-hazmat e2e snapshot), poutine c89412a (scanner/inventory_test.go) — counts only.

const PEERS = join(import.meta.dirname, "../../shared/corpus/peers");

/** Peer finding id → the Gatehouse rules that cover the same hazard. */
const FAMILIES: Record<string, string[]> = {
  "use-trusted-publishing": ["publish-without-trusted-publishing", "long-lived-credential"],
  "cache-poisoning": ["cache-in-privileged-job", "cache-in-release-pipeline"],
  "dangerous-triggers": ["privileged-trigger", "untrusted-trigger-with-credentials", "untrusted-checkout-privileged"],
  "excessive-permissions": ["token-inherits-default", "token-write-at-workflow-level", "token-blanket", "id-token-at-workflow-level", "id-token-unused", "reusable-workflow-default-permissions", "token-write-unused"],
  artipacked: ["artifact-leaks-token", "checkout-persisted-credentials"],
  "overprovisioned-secrets": ["all-secrets-exposed"],
  "secrets-inherit": ["secrets-inherit"],
  "hardcoded-container-credentials": ["hardcoded-credential"],
  "unpinned-uses": ["unpinned-action"],
  "github-app": [],
  "unredacted-secrets": [],
  default_permissions_on_risky_events: ["token-inherits-default", "privileged-trigger"],
  job_all_secrets: ["all-secrets-exposed"],
  pr_runs_on_self_hosted: ["self-hosted-runner-untrusted"],
  untrusted_checkout_exec: ["untrusted-checkout-privileged", "phase-mixing"],
  injection: ["template-injection-in-privileged-job"],
};

type Reports = Record<string, Record<string, number>>;

/** zizmor, default persona, on zizmor/test-data (paths relative to it). */
const ZIZMOR_TEST_DATA: Reports = {
  "artipacked.yml": { artipacked: 1 },
  "bot-conditions.yml": { "dangerous-triggers": 1 },
  "cache-poisoning/caching-enabled-by-default.yml": { "cache-poisoning": 1 },
  "cache-poisoning/caching-not-configurable.yml": { "cache-poisoning": 1 },
  "cache-poisoning/caching-opt-in-boolean-toggle.yml": { "cache-poisoning": 1 },
  "cache-poisoning/caching-opt-in-boolish-toggle.yml": { "cache-poisoning": 1 },
  "cache-poisoning/caching-opt-in-expression.yml": { "cache-poisoning": 1 },
  "cache-poisoning/caching-opt-in-multi-value-toggle.yml": { "cache-poisoning": 1 },
  "cache-poisoning/issue-1081-repro.yml": { "cache-poisoning": 3 },
  "cache-poisoning/issue-1152-repro.yml": { "cache-poisoning": 3 },
  "cache-poisoning/issue-2320-repro.yml": { "cache-poisoning": 3 },
  "cache-poisoning/issue-343-repro.yml": { "cache-poisoning": 3 },
  "cache-poisoning/issue-642-repro.yml": { "cache-poisoning": 1 },
  "cache-poisoning/publisher-step.yml": { "cache-poisoning": 1 },
  "cache-poisoning/ramsey-composer-install.yml": { "cache-poisoning": 2 },
  "cache-poisoning/trigger-heuristics/tag-and-branch.yml": { "cache-poisoning": 2 },
  "cache-poisoning/trigger-heuristics/tag-only.yml": { "cache-poisoning": 2 },
  "cache-poisoning/workflow-release-branch-trigger.yml": { "cache-poisoning": 1 },
  "cache-poisoning/workflow-release-trigger-object.yml": { "cache-poisoning": 1 },
  "cache-poisoning/workflow-tag-trigger.yml": { "cache-poisoning": 1 },
  "excessive-permissions/issue-472-repro.yml": { "excessive-permissions": 1 },
  "excessive-permissions/jobs-broaden-permissions.yml": { "excessive-permissions": 2 },
  "excessive-permissions/reusable-workflow-call.yml": { "excessive-permissions": 1 },
  "excessive-permissions/reusable-workflow-other-triggers.yml": { "excessive-permissions": 3 },
  "excessive-permissions/workflow-read-all.yml": { "excessive-permissions": 1 },
  "excessive-permissions/workflow-write-all.yml": { "excessive-permissions": 1 },
  "excessive-permissions/workflow-write-explicit.yml": { "excessive-permissions": 3 },
  "github-app.yml": { "github-app": 6 },
  "issue-1065.yml": { "excessive-permissions": 1, "unpinned-uses": 1 },
  "overprovisioned-secrets.yml": { "overprovisioned-secrets": 2 },
  "secrets-inherit.yml": { "secrets-inherit": 1, "unpinned-uses": 4 },
  "unpinned-uses.yml": { "unpinned-uses": 1 },
  "unpinned-uses/issue-1543-repro.yml": { "unpinned-uses": 1 },
  "unpinned-uses/menagerie-of-uses.yml": { "unpinned-uses": 5 },
  "unpinned-uses/reusable-workflow-unpinned.yml": { "unpinned-uses": 2 },
  "unredacted-secrets.yml": { "unredacted-secrets": 2 },
  "use-trusted-publishing.yml": { "use-trusted-publishing": 8 },
  "use-trusted-publishing/bun-publish.yml": { "use-trusted-publishing": 4 },
  "use-trusted-publishing/cargo-publish.yml": { "use-trusted-publishing": 6 },
  "use-trusted-publishing/demo-action/action.yml": { "use-trusted-publishing": 1 },
  "use-trusted-publishing/gem-push.yml": { "use-trusted-publishing": 3 },
  "use-trusted-publishing/npm-publish.yml": { "use-trusted-publishing": 12 },
  "use-trusted-publishing/nuget-push.yml": { "use-trusted-publishing": 3 },
  "use-trusted-publishing/twine-upload.yml": { "use-trusted-publishing": 4 },
};

/** zizmor's gha-hazmat e2e run (all audits, default persona) on the workflows in the corpus. */
const ZIZMOR_HAZMAT: Reports = {
  ".github/workflows/artipacked.yml": { artipacked: 3, "excessive-permissions": 4, "unpinned-uses": 6 },
  ".github/workflows/bot-conditions.yml": { "dangerous-triggers": 1 },
  ".github/workflows/cache-poisoning.yml": { "excessive-permissions": 3, "use-trusted-publishing": 1, "cache-poisoning": 2 },
  ".github/workflows/excessive-permissions.yml": { "excessive-permissions": 3 },
  ".github/workflows/github-env.yml": { "dangerous-triggers": 1 },
  ".github/workflows/hardcoded-credentials.yml": { "excessive-permissions": 1, "hardcoded-container-credentials": 2 },
  ".github/workflows/overprovisioned-secrets.yml": { "overprovisioned-secrets": 2 },
  ".github/workflows/pull-request-target.yml": { "excessive-permissions": 1, "dangerous-triggers": 1, "unpinned-uses": 2 },
  ".github/workflows/pypi-manual-credential.yml": { "use-trusted-publishing": 5, "unpinned-uses": 10 },
  ".github/workflows/secrets-inherit.yml": { "excessive-permissions": 5, "unpinned-uses": 4, "secrets-inherit": 1 },
  ".github/workflows/unpinned.yml": { "excessive-permissions": 1 },
  ".github/workflows/unredacted-secrets.yml": { "unredacted-secrets": 2 },
  ".github/workflows/workflow-run.yml": { "excessive-permissions": 1, "dangerous-triggers": 1 },
};

/** poutine's expected findings on its scanner testdata (paths relative to poutine/). */
const POUTINE: Reports = {
  "scanner/testdata/.github/workflows/valid.yml": { injection: 3, untrusted_checkout_exec: 5, default_permissions_on_risky_events: 1, pr_runs_on_self_hosted: 1 },
  "scanner/testdata/.github/workflows/workflow_run_valid.yml": { untrusted_checkout_exec: 1 },
  "scanner/testdata/.github/workflows/allowed_pr_runner.yml": { pr_runs_on_self_hosted: 2 },
  "scanner/testdata/.github/workflows/secrets.yaml": { job_all_secrets: 2 },
  "scanner/testdata/.github/workflows/anchors_with_vulnerability.yml": { injection: 2, default_permissions_on_risky_events: 1 },
  "scanner/testdata/.github/workflows/test_new_fields.yml": { untrusted_checkout_exec: 3, injection: 1, default_permissions_on_risky_events: 1 },
};

/** Where a peer reports and Gatehouse does not: `<fixture> <peer finding>` → why. */
const DIFFERENCES: Record<string, string> = {
  "artipacked.yml artipacked": "deliberate: the checkout persists a token with `permissions: {}` (no scope) and nothing uploads it; Gatehouse reports a persisted token when it can write (checkout-persisted-credentials) or reaches an artifact (artifact-leaks-token)",
  "bot-conditions.yml dangerous-triggers": "deliberate: the pull_request_target job has `permissions: {}` and no secret, so there is no credential to expose",
  ".github/workflows/bot-conditions.yml dangerous-triggers": "deliberate: the pull_request_target job has `permissions: {}` and no secret",
  ".github/workflows/github-env.yml dangerous-triggers": "deliberate: the pull_request_target job has `permissions: {}` and no secret (the GITHUB_ENV injection is not a credential finding)",
  "cache-poisoning/caching-opt-in-expression.yml cache-poisoning": "deliberate: `enable-cache: ${{ github.ref == 'refs/heads/main' }}` is false on the release events that start the workflow",
  "cache-poisoning/issue-642-repro.yml cache-poisoning": "deliberate: `on: push` to any branch, and docker/build-push-action does not push — nothing is released or published",
  "github-app.yml github-app": "gap: create-github-app-token without `repositories:`/`owner:` scoping or with revocation disabled is not audited (the app identity is inventoried); not part of issue 13",
  "unredacted-secrets.yml unredacted-secrets": "gap: secrets transformed past log redaction (`fromJSON(secrets.X).y`) are not audited; not part of issue 13",
  ".github/workflows/unredacted-secrets.yml unredacted-secrets": "gap: secrets transformed past log redaction are not audited; not part of issue 13",
  "use-trusted-publishing/demo-action/action.yml use-trusted-publishing": "deliberate: a composite action on its own holds no credential; its publish is judged in each workflow job that runs it, with that job's token and permissions",
  "scanner/testdata/.github/workflows/valid.yml pr_runs_on_self_hosted": "deliberate: the self-hosted job is guarded by `github.event_name == 'push'`, so pull_request_target never reaches it",
};

function paths(result: AnalysisResult, prefix = ""): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const f of result.findings) {
    const key = `${prefix}${f.path}`;
    const m = out.get(key) ?? new Map<string, number>();
    m.set(f.rule, (m.get(f.rule) ?? 0) + 1);
    out.set(key, m);
  }
  return out;
}

interface Row {
  fixture: string;
  family: string;
  peer: number;
  gatehouse: number;
}

function compare(peer: Reports, found: Map<string, Map<string, number>>): Row[] {
  return Object.entries(peer).flatMap(([fixture, families]) =>
    Object.entries(families).map(([family, count]) => ({
      fixture,
      family,
      peer: count,
      gatehouse: (FAMILIES[family] ?? []).reduce((n, rule) => n + (found.get(fixture)?.get(rule) ?? 0), 0),
    })),
  );
}

describeWithCorpus(PEERS, "peer comparison: gatehouse scan on zizmor's and poutine's fixtures", () => {
  const testData = paths(scan([join(PEERS, "zizmor/test-data")], {}));
  const hazmat = paths(scan([join(PEERS, "zizmor/gha-hazmat")], {}));
  const poutine = paths(scan([join(PEERS, "poutine")], {}));
  const rows = [...compare(ZIZMOR_TEST_DATA, testData), ...compare(ZIZMOR_HAZMAT, hazmat), ...compare(POUTINE, poutine)];

  it("reports every peer hazard of a shared family, or the difference is written down with its reason", () => {
    const missed = rows.filter((r) => r.gatehouse === 0).map((r) => `${r.fixture} ${r.family}`).sort();
    expect(missed).toEqual(Object.keys(DIFFERENCES).sort());
  });

  it("records the coverage per family", () => {
    const perFamily: Record<string, string> = {};
    for (const family of Object.keys(FAMILIES)) {
      const mine = rows.filter((r) => r.family === family);
      if (mine.length === 0) continue;
      const covered = mine.filter((r) => r.gatehouse > 0).length;
      perFamily[family] = `${covered}/${mine.length} fixtures; peer ${mine.reduce((n, r) => n + r.peer, 0)} findings, gatehouse ${mine.reduce((n, r) => n + r.gatehouse, 0)}`;
    }
    expect(perFamily).toMatchInlineSnapshot(`
      {
        "artipacked": "1/2 fixtures; peer 4 findings, gatehouse 1",
        "cache-poisoning": "17/19 fixtures; peer 31 findings, gatehouse 19",
        "dangerous-triggers": "2/5 fixtures; peer 5 findings, gatehouse 4",
        "default_permissions_on_risky_events": "3/3 fixtures; peer 3 findings, gatehouse 5",
        "excessive-permissions": "16/16 fixtures; peer 32 findings, gatehouse 30",
        "github-app": "0/1 fixtures; peer 6 findings, gatehouse 0",
        "hardcoded-container-credentials": "1/1 fixtures; peer 2 findings, gatehouse 2",
        "injection": "3/3 fixtures; peer 6 findings, gatehouse 6",
        "job_all_secrets": "1/1 fixtures; peer 2 findings, gatehouse 2",
        "overprovisioned-secrets": "2/2 fixtures; peer 4 findings, gatehouse 5",
        "pr_runs_on_self_hosted": "1/2 fixtures; peer 3 findings, gatehouse 2",
        "secrets-inherit": "2/2 fixtures; peer 2 findings, gatehouse 2",
        "unpinned-uses": "10/10 fixtures; peer 36 findings, gatehouse 28",
        "unredacted-secrets": "0/2 fixtures; peer 4 findings, gatehouse 0",
        "untrusted_checkout_exec": "3/3 fixtures; peer 9 findings, gatehouse 3",
        "use-trusted-publishing": "9/10 fixtures; peer 47 findings, gatehouse 44",
      }
    `);
  });
});
