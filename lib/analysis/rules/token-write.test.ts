import { describe, expect, it } from "vitest";
import type { RepoContextInput } from "../context";
import { analyze, findings } from "../test-support";

// token-write-unused: write scopes of GITHUB_TOKEN in a job whose steps are all known not to
// write with it. Every case names what decides it.

const CO = "actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab";
const wf = (perms: string, steps: string, head = "on: push") => `${head}\n${perms}jobs:\n  build:\n    runs-on: ubuntu-latest\n${steps}`;
const steps = (...s: string[]) => `    steps:\n${s.map((x) => `      - ${x}`).join("\n")}`;
const hits = (yaml: string, context?: RepoContextInput) => findings(analyze(yaml, context ? { context } : {}), "token-write-unused");

describe("token-write-unused", () => {
  it("reports write scopes of a job that checks out, sets up and tests, with the exact block to set", () => {
    const [f, ...rest] = hits(wf("", `    permissions: { contents: write, packages: write }\n${steps(`uses: ${CO}`, "uses: actions/setup-go@v5", "run: go test ./...", "uses: actions/upload-artifact@v4\n        with: { name: c, path: cover.out }")}`));
    expect(rest).toEqual([]);
    expect(f?.job).toBe("build");
    expect(f?.severity).toBe("medium");
    expect(f?.line).toBe(5);
    expect(f?.message).toContain("GITHUB_TOKEN write on contents, packages");
    expect(f?.fix).toBe("Set `permissions: { contents: read, packages: read }` on job build: it never writes with GITHUB_TOKEN on contents, packages.");
  });

  it("keeps the scopes a known action uses (CodeQL's security-events) and reports the rest", () => {
    const [f] = hits(wf("", `    permissions: { contents: write, security-events: write, actions: read }\n${steps(`uses: ${CO}\n        with: { persist-credentials: false }`, "uses: github/codeql-action/init@v3", "uses: github/codeql-action/analyze@v3")}`));
    expect(f?.fix).toBe("Set `permissions: { contents: read, security-events: write, actions: read }` on job build: it never writes with GITHUB_TOKEN on contents.");
  });

  it("reports scopes granted at workflow level to a job, on the workflow's permissions line", () => {
    const [f] = hits(wf("permissions: { contents: read, pages: write }\n", steps(`uses: ${CO}`, "run: npm ci && npm test")));
    expect(f?.line).toBe(2);
    expect(f?.message).toContain("(from the workflow's permissions)");
    expect(f?.fix).toContain("`permissions: { contents: read, pages: read }`");
  });

  it("reports write-all, and the repository's write default only when the context says so", () => {
    expect(hits(wf("", `    permissions: write-all\n${steps(`uses: ${CO}`, "run: make test")}`))[0]?.fix).toMatch(/^Set `permissions: \{ contents: write \}`/);
    const onDefault = wf("", steps(`uses: ${CO}\n        with: { persist-credentials: false }`, "run: make test"));
    expect(hits(onDefault)).toEqual([]);
    const [f] = hits(onDefault, { defaultWorkflowPermissions: "write" });
    expect(f?.message).toContain("the repository's read/write default GITHUB_TOKEN");
    expect(f?.fix).toMatch(/^Set `permissions: \{ contents: read \}` on job build/);
    expect(hits(onDefault, { defaultWorkflowPermissions: "read" })).toEqual([]);
  });

  it("never judges a job with an unknown action, a reusable-workflow call, a docker step, an unread local action or an opaque script", () => {
    const perms = "    permissions: { contents: write }\n";
    expect(hits(wf("", perms + steps(`uses: ${CO}`, "uses: someone/some-action@v1")))).toEqual([]);
    expect(hits(wf("", steps("uses: actions/github-script@v7\n        with: { script: 'x' }"), "on: push\npermissions: { issues: write }\n"))).toEqual([]);
    expect(hits(wf("", perms + steps("uses: docker://alpine:3")))).toEqual([]);
    expect(hits(wf("", perms + steps("uses: ./.github/actions/missing")))).toEqual([]);
    expect(hits(wf("", perms + steps("run: ${{ matrix.cmd }}")))).toEqual([]);
    expect(hits("on: push\njobs:\n  build:\n    permissions: { contents: write }\n    uses: acme/w/.github/workflows/r.yml@v1\n")).toEqual([]);
  });

  it("never judges a job whose scripts can reach the token", () => {
    const perms = "    permissions: { pull-requests: write }\n";
    for (const s of [
      "run: gh pr comment 1 --body hi",
      "run: curl -H \"Authorization: Bearer $GITHUB_TOKEN\" https://api.github.com/repos/x/y/issues",
      "run: echo ${{ github.token }} | docker login ghcr.io -u x --password-stdin",
      "run: ./notify.sh\n        env: { TOKEN: '${{ secrets.GITHUB_TOKEN }}' }",
    ])
      expect(hits(wf("", perms + steps(`uses: ${CO}`, s))), s).toEqual([]);
    // The token in the job's env reaches every script.
    expect(hits(wf("", `${perms}    env: { T: '\${{ github.token }}' }\n${steps("run: make")}`))).toEqual([]);
  });

  it("counts contents as used when a checkout persists GITHUB_TOKEN and a script may push with it", () => {
    const perms = "    permissions: { contents: write }\n";
    for (const s of ["run: git push origin HEAD", "run: make release", "run: ./scripts/update-docs.sh", "run: npx semantic-release"])
      expect(hits(wf("", perms + steps(`uses: ${CO}`, s))), s).toEqual([]);
    // Not persisted, or another token persisted: git cannot push with GITHUB_TOKEN.
    expect(hits(wf("", perms + steps(`uses: ${CO}\n        with: { persist-credentials: false }`, "run: make release")))).toHaveLength(1);
    expect(hits(wf("", perms + steps(`uses: ${CO}\n        with: { token: '\${{ secrets.BOT_PAT }}' }`, "run: ./scripts/push.sh")))).toHaveLength(1);
  });

  it("counts packages as used when a registry login or push happens", () => {
    const perms = "    permissions: { contents: read, packages: write }\n";
    expect(hits(wf("", perms + steps("uses: docker/login-action@v3\n        with: { registry: ghcr.io, username: x, password: '${{ secrets.GITHUB_TOKEN }}' }", "uses: docker/build-push-action@v6\n        with: { push: true }")))).toEqual([]);
    expect(hits(wf("", perms + steps(`uses: ${CO}`, "run: docker push ghcr.io/acme/app:1")))).toEqual([]);
  });

  it("knows what actions/stale writes: contents only with delete-branch", () => {
    const perms = "    permissions: { contents: write, issues: write, pull-requests: write }\n";
    expect(hits(wf("", perms + steps("uses: actions/stale@v9\n        with: { delete-branch: true }")))).toEqual([]);
    expect(hits(wf("", perms + steps("uses: actions/stale@v9")))[0]?.message).toContain("write on contents,");
  });

  it("reads the steps of a local composite action", () => {
    const files = [{ path: ".github/actions/setup/action.yml", content: "runs:\n  using: composite\n  steps:\n    - run: npm ci\n      shell: bash\n" }];
    const yaml = wf("", `    permissions: { checks: write }\n${steps(`uses: ${CO}`, "uses: ./.github/actions/setup")}`);
    expect(findings(analyze(yaml, { files }), "token-write-unused")).toHaveLength(1);
    const pushing = [{ path: ".github/actions/setup/action.yml", content: "runs:\n  using: composite\n  steps:\n    - run: gh api repos/x/y/check-runs\n      shell: bash\n" }];
    expect(findings(analyze(yaml, { files: pushing }), "token-write-unused")).toEqual([]);
  });

  it("leaves id-token to id-token-unused", () => {
    expect(hits(wf("", `    permissions: { id-token: write, contents: read }\n${steps("run: make")}`))).toEqual([]);
  });
});
