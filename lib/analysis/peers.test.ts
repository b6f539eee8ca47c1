import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { describeWithCorpus } from "@/lib/testing/corpus";
import { analyzeFiles } from "./index";

// zizmor's and poutine's fixtures were written to show specific problems. For the ones
// that concern credentials, our rules must fire. Read in place from ../shared/corpus/peers.
const PEERS = join(import.meta.dirname, "../../../shared/corpus/peers");

const EXPECTED: Record<string, string[]> = {
  // zizmor gha-hazmat
  "zizmor/gha-hazmat/.github/workflows/pull-request-target.yml": ["untrusted-checkout-privileged", "token-inherits-default"],
  "zizmor/gha-hazmat/.github/workflows/workflow-run.yml": ["untrusted-trigger-with-credentials"],
  "zizmor/gha-hazmat/.github/workflows/secrets-inherit.yml": ["secrets-inherit"],
  "zizmor/gha-hazmat/.github/workflows/overprovisioned-secrets.yml": ["all-secrets-exposed"],
  "zizmor/gha-hazmat/.github/workflows/hardcoded-credentials.yml": ["hardcoded-credential"],
  "zizmor/gha-hazmat/.github/workflows/excessive-permissions.yml": ["token-blanket", "token-write-at-workflow-level", "id-token-unused"],
  "zizmor/gha-hazmat/.github/workflows/pypi-manual-credential.yml": ["publish-without-trusted-publishing", "long-lived-credential", "secret-to-unpinned-action"],
  // upload-artifact@v4 leaves .git out (hidden files, since v4.4): only the scripted archive of the workspace leaks.
  "zizmor/gha-hazmat/.github/workflows/artipacked.yml": ["artifact-leaks-token"],
  "zizmor/gha-hazmat/.github/workflows/cache-poisoning.yml": ["cache-in-privileged-job"],
  "zizmor/gha-hazmat/.github/workflows/unpinned.yml": ["unpinned-action"],
  // zizmor test-data
  "zizmor/test-data/secrets-inherit.yml": ["secrets-inherit"],
  "zizmor/test-data/overprovisioned-secrets.yml": ["all-secrets-exposed"],
  "zizmor/test-data/hardcoded-credentials.yml": ["hardcoded-credential"],
  "zizmor/test-data/excessive-permissions/workflow-write-all.yml": ["token-blanket"],
  "zizmor/test-data/excessive-permissions/workflow-read-all.yml": ["token-blanket"],
  "zizmor/test-data/excessive-permissions/workflow-default-perms.yml": ["token-inherits-default"],
  "zizmor/test-data/excessive-permissions/workflow-write-explicit.yml": ["token-write-at-workflow-level"],
  "zizmor/test-data/several-vulnerabilities.yml": ["template-injection-in-privileged-job", "untrusted-trigger-with-credentials"],
  // A registry token used to publish is reported where it publishes (publish-without-trusted-publishing),
  // no longer as a long-lived-credential of the job; npm-publish.yml keeps one for a private registry.
  "zizmor/test-data/use-trusted-publishing/npm-publish.yml": ["publish-without-trusted-publishing", "long-lived-credential"],
  "zizmor/test-data/use-trusted-publishing/cargo-publish.yml": ["publish-without-trusted-publishing"],
  "zizmor/test-data/use-trusted-publishing.yml": ["publish-without-trusted-publishing"],
  "zizmor/test-data/cache-poisoning/workflow-tag-trigger.yml": ["cache-in-privileged-job"],
  "zizmor/test-data/cache-poisoning/publisher-step.yml": ["cache-in-privileged-job"],
  "zizmor/test-data/unpinned-uses/reusable-workflow-unpinned.yml": ["unpinned-action"],
  // poutine scanner testdata
  "poutine/scanner/testdata/.github/workflows/valid.yml": ["untrusted-checkout-privileged", "template-injection-in-privileged-job"],
  "poutine/scanner/testdata/.github/workflows/workflow_run_valid.yml": ["untrusted-checkout-privileged"],
  "poutine/scanner/testdata/.github/workflows/secrets.yaml": ["all-secrets-exposed"],
  "poutine/scanner/testdata/.github/workflows/allowed_pr_runner.yml": ["self-hosted-runner-untrusted"],
  "poutine/scanner/testdata/.github/workflows/anchors_with_vulnerability.yml": ["template-injection-in-privileged-job"],
  "poutine/scanner/testdata/.github/workflows/invalid-yaml.yml": ["parse-error"],
};

describeWithCorpus(PEERS, "peer fixtures", () => {
  it.each(Object.entries(EXPECTED))("%s", (file, rules) => {
    const result = analyzeFiles([{ path: file.split("/").pop() ?? file, content: readFileSync(join(PEERS, file)) }], undefined, { root: "peers" });
    const fired = new Set(result.findings.map((f) => f.rule));
    for (const rule of rules) expect([...fired], `${rule} on ${file}`).toContain(rule);
  });

  it("does not call the fork pull_request fixtures privileged", () => {
    const file = "zizmor/test-data/excessive-permissions/workflow-default-perms-all-jobs-explicit.yml";
    const result = analyzeFiles([{ path: "w.yml", content: readFileSync(join(PEERS, file)) }]);
    expect(result.findings.map((f) => f.rule)).not.toContain("untrusted-checkout-privileged");
    expect(result.findings.map((f) => f.rule)).not.toContain("token-inherits-default");
  });
});
