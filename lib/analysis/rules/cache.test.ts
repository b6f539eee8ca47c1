import { describe, expect, it } from "vitest";
import { analyze, findings } from "../test-support";

// Implicit caches in pipelines that publish: cache-in-release-pipeline (builds of a release
// workflow) and cache-in-privileged-job (the publishing job itself).

const RELEASE = "cache-in-release-pipeline";
const PRIVILEGED = "cache-in-privileged-job";

function build(step: string, head = "on: release"): string {
  return `${head}\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - ${step}\n`;
}

const rules = (yaml: string) => {
  const r = analyze(yaml);
  expect(r.errors).toEqual([]);
  return r.findings.filter((f) => f.rule === RELEASE || f.rule === PRIVILEGED);
};

describe("caches that are on", () => {
  it.each([
    ["actions/cache", "uses: actions/cache@v4\n        with: { path: x, key: k }"],
    ["actions/cache/restore", "uses: actions/cache/restore@v4\n        with: { path: x, key: k }"],
    ["setup-node cache:", "uses: actions/setup-node@v4\n        with: { cache: npm }"],
    ["setup-node v5 (package-manager-cache on by default)", "uses: actions/setup-node@v5"],
    ["setup-python cache:", "uses: actions/setup-python@v5\n        with: { cache: pip }"],
    ["setup-go v5 (on by default)", "uses: actions/setup-go@v5"],
    ["setup-java cache:", "uses: actions/setup-java@v4\n        with: { distribution: temurin, cache: gradle }"],
    ["ruby/setup-ruby bundler-cache", "uses: ruby/setup-ruby@v1\n        with: { bundler-cache: true }"],
    ["setup-uv (enable-cache on by default before v10)", "uses: astral-sh/setup-uv@v6"],
    ["ramsey/composer-install", "uses: ramsey/composer-install@v3"],
    ["Swatinem/rust-cache", "uses: Swatinem/rust-cache@v2"],
    ["gradle/actions/setup-gradle", "uses: gradle/actions/setup-gradle@v4"],
    ["docker/build-push-action cache-from gha", "uses: docker/build-push-action@v6\n        with: { cache-from: type=gha }"],
  ])("%s in a release workflow's build", (_, step) => {
    const [f] = rules(build(step));
    expect(f?.rule).toBe(RELEASE);
    expect(f?.severity).toBe("low");
    expect(f?.message).toContain("job build of a workflow run on release events restores the Actions cache");
  });

  it("on tag pushes, at medium severity when the build feeds the publishing job", () => {
    const yaml = `on:\n  push:\n    tags: ['v*']\npermissions: {}\njobs:\n  build:\n    runs-on: x\n    steps:\n      - uses: Swatinem/rust-cache@v2\n      - uses: actions/upload-artifact@v4\n        with: { name: dist, path: dist }\n  publish:\n    needs: build\n    runs-on: x\n    steps:\n      - run: cargo publish\n        env: { CARGO_REGISTRY_TOKEN: '\${{ secrets.CRATES }}' }\n`;
    const [f] = rules(yaml).filter((x) => x.rule === RELEASE);
    expect(f?.severity).toBe("medium");
    expect(f?.message).toContain("tag pushes");
    expect(f?.message).toContain("the output job publish then publishes");
  });

  it("on default-branch pushes only for builds whose output reaches a publishing job", () => {
    const head = "on:\n  push:\n    branches: [main]";
    const yaml = `${head}\npermissions: {}\njobs:\n  lint:\n    runs-on: x\n    steps: [{ uses: actions/setup-go@v5 }]\n  build:\n    runs-on: x\n    steps:\n      - uses: actions/setup-go@v5\n      - uses: actions/upload-artifact@v4\n        with: { name: bin, path: bin }\n  publish:\n    needs: [lint, build]\n    runs-on: x\n    steps:\n      - run: npm publish\n        env: { NODE_AUTH_TOKEN: '\${{ secrets.NPM_TOKEN }}' }\n`;
    expect(rules(yaml).map((f) => `${f.rule}:${f.job}`)).toEqual([`${RELEASE}:build`]);
  });

  it("reports a composite action's cache step on the workflow step that runs it", () => {
    const action = "runs:\n  using: composite\n  steps:\n    - uses: actions/cache@v4\n      with: { path: x, key: k }\n";
    const r = analyze(build("uses: ./.github/actions/setup"), { files: [{ path: ".github/actions/setup/action.yml", content: action }] });
    const [f] = findings(r, RELEASE);
    expect(f?.line).toBe(7);
    expect(f?.message).toContain("actions/cache in .github/actions/setup/action.yml");
  });
});

describe("caches that are off", () => {
  it.each([
    ["actions/cache lookup-only", "uses: actions/cache@v4\n        with: { path: x, key: k, lookup-only: true }"],
    ["actions/cache/save (writes only)", "uses: actions/cache/save@v4\n        with: { path: x, key: k }"],
    ["setup-node v4 without cache:", "uses: actions/setup-node@v4"],
    ["setup-node package-manager-cache: false", "uses: actions/setup-node@v5\n        with: { package-manager-cache: false }"],
    ["setup-go cache: false", "uses: actions/setup-go@v5\n        with: { cache: false }"],
    ["setup-go v3 (off by default)", "uses: actions/setup-go@v3"],
    ["setup-uv enable-cache: false", "uses: astral-sh/setup-uv@v6\n        with: { enable-cache: false }"],
    ["setup-uv v10 (off by default)", "uses: astral-sh/setup-uv@v10"],
    ["composer-install ignore-cache", "uses: ramsey/composer-install@v3\n        with: { ignore-cache: 'yes' }"],
    ["rust-cache lookup-only", "uses: Swatinem/rust-cache@v2\n        with: { lookup-only: true }"],
    ["setup-ruby without bundler-cache", "uses: ruby/setup-ruby@v1"],
    ["a cache turned off for tags and releases", "uses: Swatinem/rust-cache@v2\n        if: ${{ !startsWith(github.ref, 'refs/tags/') }}"],
    ["a toggle off for tags and releases", "uses: PyO3/maturin-action@v1\n        with: { sccache: \"${{ github.ref_type != 'tag' }}\" }"],
  ])("%s", (_, step) => {
    expect(rules(build(step, "on:\n  release:\n  push:\n    tags: ['v*']"))).toEqual([]);
  });

  it("a composite action's cache step the workflow turns off through its input", () => {
    const action = "inputs:\n  use-cache: { default: 'true' }\nruns:\n  using: composite\n  steps:\n    - if: inputs.use-cache == 'true'\n      uses: actions/cache@v4\n      with: { path: x, key: k }\n";
    const r = analyze(build("uses: ./.github/actions/setup\n        with: { use-cache: false }"), { files: [{ path: ".github/actions/setup/action.yml", content: action }] });
    expect(findings(r, RELEASE)).toEqual([]);
  });

  it("a workflow that neither releases nor publishes", () => {
    expect(rules(build("uses: actions/setup-go@v5", "on:\n  push:\n    branches: [main]\n  pull_request:"))).toEqual([]);
  });

  it("a condition that leaves the cache on for release events is not enough", () => {
    const step = "uses: PyO3/maturin-action@v1\n        with: { sccache: \"${{ !(github.event_name == 'push' && github.ref_type == 'tag') }}\" }";
    expect(rules(build(step, "on:\n  release:\n  push:\n    tags: ['v*']")).map((f) => f.rule)).toEqual([RELEASE]);
  });
});
