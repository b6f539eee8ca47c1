import { describe, expect, it } from "vitest";
import { fileKindOf } from "../ci-system";

// Which files are Buildkite pipelines (ci-system.ts): by place, and by a shape only Buildkite has.

const PIPELINE = "steps:\n  - label: build\n    command: make\n";

describe("Buildkite files by place", () => {
  it("takes pipeline-shaped YAML under .buildkite/ at any depth and buildkite.yml", () => {
    expect(fileKindOf(".buildkite/pipeline.yml", PIPELINE)).toBe("buildkite");
    expect(fileKindOf("svc/.buildkite/release/pipeline.yaml", PIPELINE)).toBe("buildkite");
    expect(fileKindOf("buildkite.yml", PIPELINE)).toBe("buildkite");
    expect(fileKindOf(".buildkite/docker-compose.yml", "services:\n  app:\n    command: make\n")).toBeNull();
  });

  it("takes a fragment of steps a script concatenates before upload", () => {
    expect(fileKindOf(".buildkite/jobs/android.yml", "  - label: \":android: tests\"\n    command: ./ci.sh\n")).toBe("buildkite");
    expect(fileKindOf(".buildkite/post.yml", "# post-processing\n  - wait: ~\n  - label: coverage\n    command: x\n")).toBe("buildkite");
    expect(fileKindOf(".buildkite/values.yaml", "replicas: 1\nitems:\n  - label: x\n")).toBeNull();
  });
});

describe("Buildkite files elsewhere", () => {
  it("takes a top-level `steps:` that starts as only Buildkite steps do", () => {
    expect(fileKindOf("ci/workflows/pull-request.yml", `anchors:\n  - &x { a: 1 }\n\nsteps:\n  # first\n  - label: "check"\n    command: make\n`)).toBe("buildkite");
    expect(fileKindOf(".expeditor/verify.pipeline.yml", "steps:\n- commands:\n  - make\n")).toBe("buildkite");
    expect(fileKindOf("buildkite/pipelines/go.yaml", "steps:\n  - group: build\n    steps: []\n")).toBe("buildkite");
  });

  it("leaves other CI systems' steps alone", () => {
    expect(fileKindOf("azure-pipelines.yml", "trigger: [main]\nsteps:\n  - script: make\n")).toBeNull();
    expect(fileKindOf(".drone.yml", "kind: pipeline\nsteps:\n  - commands: [make]\n")).toBeNull();
    expect(fileKindOf(".woodpecker/build.yml", "steps:\n  - name: build\n    image: golang\n")).toBeNull();
    expect(fileKindOf("cloudbuild.yaml", "steps:\n  - name: gcr.io/cloud-builders/docker\n    args: [build]\n")).toBeNull();
    expect(fileKindOf("odd.yml", "on: push\nsteps:\n  - label: x\n")).toBeNull();
    expect(fileKindOf(".github/workflows/ci.yml", PIPELINE)).toBe("github-actions");
  });

  it("takes a file named on the command line when it has a pipeline's shape", () => {
    expect(fileKindOf("release.yml", "- command: make\n", true)).toBe("buildkite");
    expect(fileKindOf("release.yml", "on: push\njobs: {}\n", true)).toBe("github-actions");
  });
});
