import { describe, expect, it } from "vitest";
import { analyze, findings } from "../test-support";

// artifact-leaks-token: actions/checkout persisted the GITHUB_TOKEN in .git/config and an
// uploaded artifact includes it.

const RULE = "artifact-leaks-token";

function wf(steps: string, perms = "{ contents: write }"): string {
  return `on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    permissions: ${perms}\n    steps:\n${steps}`;
}

const upload = (path: string, version = "v3", extra = "") => `      - uses: actions/upload-artifact@${version}\n        with: { name: a, path: '${path}'${extra} }\n`;
const checkout = (extra = "", version = "v4") => `      - uses: actions/checkout@${version}${extra ? `\n        with: { ${extra} }` : ""}\n`;

const hits = (yaml: string) => {
  const r = analyze(yaml);
  expect(r.errors).toEqual([]);
  return findings(r, RULE);
};

describe("artifact-leaks-token fires", () => {
  it.each([
    ["the workspace", "."],
    ["the workspace by expression", "${{ github.workspace }}"],
    ["the .git directory", ".git/config"],
    ["a glob over the workspace", "**/*"],
  ])("on an upload of %s", (_, path) => {
    const [f] = hits(wf(checkout() + upload(path)));
    expect(f?.severity).toBe("high");
    expect(f?.line).toBe(9);
    expect(f?.message).toContain("step 2 of job build uploads an artifact");
    expect(f?.message).toContain("persisted a GITHUB_TOKEN with write on contents");
  });

  it("on upload-artifact v4 with include-hidden-files: true", () => {
    expect(hits(wf(checkout() + upload(".", "v4", ", include-hidden-files: true")))).toHaveLength(1);
  });

  it("on a SHA-pinned upload-artifact, saying the version decides", () => {
    const [f] = hits(wf(checkout() + upload(".", "8e5e7e5ab8b370d6c329ec480221332ada57f0ab")));
    expect(f?.message).toContain("unless the pinned upload-artifact is v4.4 or later");
  });

  it("on a parent of the checkout directory", () => {
    expect(hits(wf(checkout("path: src") + upload("src")))).toHaveLength(1);
  });

  it("on an archive of the workspace made by a script [heuristic]", () => {
    const [f] = hits(wf(`${checkout()}      - run: tar -czf build.tar.gz .\n${upload("build.tar.gz")}`, "{ contents: read }"));
    expect(f?.severity).toBe("medium");
    expect(f?.message).toContain("[heuristic]");
  });
});

describe("artifact-leaks-token stays quiet", () => {
  it.each([
    ["persist-credentials: false", wf(checkout("persist-credentials: false") + upload("."))],
    ["checkout v6 (the token is kept under RUNNER_TEMP)", wf(checkout("", "v6") + upload("."))],
    ["upload-artifact v4 (hidden files left out)", wf(checkout() + upload(".", "v4"))],
    ["an upload of the build output", wf(checkout() + upload("dist/"))],
    ["an upload of a sibling of the checkout", wf(checkout("path: src") + upload("out"))],
    ["an archive of another directory", wf(`${checkout()}      - run: tar -C dist -czf build.tar.gz .\n${upload("build.tar.gz")}`)],
    ["an upload before the checkout", wf(upload(".") + checkout())],
  ])("%s", (_, yaml) => {
    expect(hits(yaml)).toEqual([]);
  });

  it("and checkout-persisted-credentials keeps the case without an upload", () => {
    const r = analyze(wf(checkout()));
    expect(findings(r, "checkout-persisted-credentials").map((f) => f.severity)).toEqual(["low"]);
  });
});
