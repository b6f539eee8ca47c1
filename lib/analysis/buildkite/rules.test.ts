import { describe, expect, it } from "vitest";
import { analyze, findings } from "../test-support";
import type { AnalysisResult, Finding } from "../types";

// The calibration of the Buildkite rules beyond their catalog cases (rules/rules.test.ts).

const bk = (yaml: string): AnalysisResult => analyze(yaml, { path: ".buildkite/pipeline.yml" });
const brief = (fs: Finding[]) => fs.map((f) => [f.severity, f.line, f.job]);

describe("buildkite-plugin-unpinned", () => {
  const r = bk(`steps:
  - key: build
    command: make
    plugins:
      - docker#v5.1.0: { image: node }
      - acme/tool: ~
      - acme/branchy#main: ~
      - acme/sha#0123456789abcdef0123456789abcdef01234567: ~
      - ./ci/plugins/local
      - kubernetes: { podSpec: {} }
      - $CI_TOOLKIT
  - key: release
    command: ./release.sh
    secrets: [NPM_TOKEN]
    plugins:
      - docker#v5.1.0: { image: node }
      - acme/tool: ~
`);
  const hits = findings(r, "buildkite-plugin-unpinned");

  it("reports each reference once per file, as severe as its most sensitive step", () => {
    expect(hits.map((f) => [f.severity, f.line, f.job, f.message.split(";")[0]])).toEqual([
      ["medium", 7, "build", "plugin acme/branchy#main follows main, a branch, not a commit"],
      ["low", 16, "release", "plugin docker#v5.1.0 is pinned to tag v5.1.0, which its owner can move, not to a commit (2 steps)"],
      ["high", 17, "release", "plugin acme/tool has no version: every build runs its default branch (2 steps)"],
    ]);
    expect(hits[2]?.message).toContain("step release holds secret NPM_TOKEN");
  });

  it("leaves commit SHAs, the repository's own plugins, the agent stack's and unresolved variables alone", () => {
    expect(hits.map((f) => f.message).join("\n")).not.toMatch(/acme\/sha|ci\/plugins|kubernetes|CI_TOOLKIT/);
  });
});

describe("buildkite-pipeline-upload-untrusted", () => {
  it("reports steps built from a branch, a message or an author, piped or in a here-document", () => {
    const r = bk(`steps:
  - key: piped
    command: ./gen.sh "$$BUILDKITE_MESSAGE" | buildkite-agent pipeline upload
  - key: heredoc
    command: |
      buildkite-agent pipeline upload <<YAML
      steps:
        - label: "\${BUILDKITE_BUILD_AUTHOR}"
          command: make
      YAML
      echo "$$BUILDKITE_BRANCH"
`);
    const hits = findings(r, "buildkite-pipeline-upload-untrusted");
    expect(brief(hits)).toEqual([
      ["high", 3, "piped"],
      ["high", 6, "heredoc"],
    ]);
    expect(hits[0]?.message).toBe('step piped uploads steps from the output of `./gen.sh "$$BUILDKITE_MESSAGE"`, built from BUILDKITE_MESSAGE: whoever names the branch or writes the commit writes the steps');
    expect(hits[1]?.message).toContain("from a here-document, built from BUILDKITE_BUILD_AUTHOR:");
  });

  it("reports a pull-request step that uploads while holding credentials, and not one without them", () => {
    const r = bk(`steps:
  - key: pr-creds
    if: build.pull_request.id != null
    secrets: [NPM_TOKEN]
    command: buildkite-agent pipeline upload < .buildkite/pr.yml
  - key: pr-bare
    if: build.pull_request.id != null
    command: buildkite-agent pipeline upload .buildkite/pr.yml
  - key: main-creds
    if: build.branch == "main"
    secrets: [NPM_TOKEN]
    command: buildkite-agent pipeline upload
`);
    const hits = findings(r, "buildkite-pipeline-upload-untrusted");
    expect(brief(hits)).toEqual([["high", 5, "pr-creds"]]);
    expect(hits[0]?.message).toBe(
      "step pr-creds runs on pull-request builds and uploads steps from file .buildkite/pr.yml, which the pull request controls, while it holds secret NPM_TOKEN",
    );
    expect(r.workflows[0]?.jobs.map((j) => j.uploadsPipeline)).toEqual([true, true, true]);
  });
});

describe("buildkite-command-interpolation", () => {
  it("tells an interpolated reference from an escaped one, and rates it by what the step holds", () => {
    const r = bk(`steps:
  - key: odd
    command: echo "$$$BUILDKITE_BRANCH \${BUILDKITE_TAG}"
  - key: even
    command: echo "$$$$BUILDKITE_BRANCH"
  - key: creds
    secrets: [SLACK_TOKEN]
    command:
      - make
      - ./notify.sh "$BUILDKITE_MESSAGE" "$BUILDKITE_MESSAGE"
  - key: pr
    if: build.pull_request.id != null
    command: echo $BUILDKITE_BUILD_CREATOR
`);
    const hits = findings(r, "buildkite-command-interpolation");
    expect(hits.map((f) => [f.severity, f.line, f.job, f.message.split(":")[0]])).toEqual([
      ["medium", 3, "odd", "step odd writes $BUILDKITE_BRANCH into its command at upload"],
      ["medium", 3, "odd", "step odd writes $BUILDKITE_TAG into its command at upload"],
      ["high", 10, "creds", "step creds writes $BUILDKITE_MESSAGE into its command at upload"],
      ["high", 13, "pr", "step pr writes $BUILDKITE_BUILD_CREATOR into its command at upload"],
    ]);
    expect(hits[2]?.message).toContain("in a step holding secret SLACK_TOKEN; escape it as $$BUILDKITE_MESSAGE");
  });
});

describe("buildkite-secrets-untrusted-step", () => {
  it("rates a step only labelled pull requests reach as medium, and names the condition", () => {
    const r = bk(`steps:
  - key: any-pr
    if: build.pull_request.id != null
    plugins:
      - aws-assume-role-with-web-identity#v1.4.0: { role-arn: "arn:aws:iam::123456789012:role/ci" }
    command: make
  - key: labelled
    if: build.pull_request.labels includes "ci/run-e2e" || build.branch == "main"
    secrets: [E2E_TOKEN]
    command: make e2e
`);
    const hits = findings(r, "buildkite-secrets-untrusted-step");
    expect(brief(hits)).toEqual([
      ["high", 5, "any-pr"],
      ["medium", 9, "labelled"],
    ]);
    expect(hits[0]?.message).toBe(
      "step any-pr runs on pull-request builds (if: build.pull_request.id != null) and holds a Buildkite OIDC token, aws-role arn:aws:iam::123456789012:role/ci",
    );
    expect(hits[1]?.message).toContain("runs on pull-request builds once someone labels them");
  });
});

describe("OIDC and static keys", () => {
  it("reports a long lifetime a plugin asks for, naming the plugin", () => {
    const r = bk(`steps:
  - key: s3
    command: aws s3 sync . s3://b
    plugins:
      - aws-assume-role-with-web-identity#v1.4.0:
          role-arn: arn:aws:iam::123456789012:role/ci
          role-session-duration: 43200
`);
    const hits = findings(r, "buildkite-oidc-long-lifetime");
    expect(hits.map((f) => f.message)).toEqual([
      "step s3 requests a Buildkite OIDC token valid for 43200 s (12 h) through buildkite-plugins/aws-assume-role-with-web-identity; the exchange needs minutes",
    ]);
    expect(findings(r, "buildkite-oidc-no-audience")).toEqual([]);
  });

  it("names the key and where the step gets it", () => {
    const r = bk("steps:\n  - key: up\n    command: aws s3 sync . s3://b\n    env:\n      AWS_ACCESS_KEY_ID: AKIAEXAMPLE\n      AWS_SECRET_ACCESS_KEY: $AWS_SECRET\n");
    expect(findings(r, "buildkite-static-cloud-key").map((f) => [f.line, f.message])).toEqual([
      [5, "step up is given a static AWS access key (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); a Buildkite OIDC token can be exchanged for short-lived credentials instead"],
    ]);
  });
});
