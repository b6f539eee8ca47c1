import { describe, expect, it } from "vitest";
import { analyze, findings, job } from "../test-support";

// publish-without-trusted-publishing: a publish from `run:` (or a publishing action) to a
// registry that offers OIDC trusted publishing, authenticated with a long-lived token.

const RULE = "publish-without-trusted-publishing";

function wf(steps: string, opts: { perms?: string; jobEnv?: string; head?: string } = {}): string {
  return `${opts.head ?? "on: push\npermissions: {}"}\njobs:\n  release:\n    runs-on: ubuntu-latest\n    permissions: ${opts.perms ?? "{ contents: read }"}\n${opts.jobEnv ? `    env:\n${opts.jobEnv}\n` : ""}    steps:\n${steps}`;
}

const hits = (yaml: string) => findings(analyze(yaml), RULE);

describe("publish-without-trusted-publishing fires", () => {
  it.each([
    ["npm publish", "npm publish --access public", "NODE_AUTH_TOKEN", "npm (registry.npmjs.org)"],
    ["yarn npm publish", "yarn npm publish", "YARN_NPM_AUTH_TOKEN", "npm (registry.npmjs.org)"],
    ["pnpm publish", "pnpm -r publish --no-git-checks", "NPM_TOKEN", "npm (registry.npmjs.org)"],
    ["bun publish", "bun publish", "NPM_CONFIG_TOKEN", "npm (registry.npmjs.org)"],
    ["twine upload", "python -m twine upload dist/*", "TWINE_PASSWORD", "PyPI"],
    ["uv publish", "uv publish", "UV_PUBLISH_TOKEN", "PyPI"],
    ["poetry publish", "poetry publish --build", "POETRY_PYPI_TOKEN_PYPI", "PyPI"],
    ["gem push", "bundle exec gem push pkg/x.gem", "GEM_HOST_API_KEY", "RubyGems.org"],
    ["cargo publish", "cargo publish -p core", "CARGO_REGISTRY_TOKEN", "crates.io"],
  ])("on %s with the token in the step's env", (via, command, envVar, registry) => {
    const [f] = hits(wf(`      - run: ${command}\n        env: { ${envVar}: '\${{ secrets.REGISTRY_TOKEN }}' }\n`));
    expect(f).toBeDefined();
    expect(f?.severity).toBe("medium");
    expect(f?.message).toContain(`\`${via}\``);
    expect(f?.message).toContain(registry);
    expect(f?.message).toContain("REGISTRY_TOKEN from the step's env");
    expect(f?.line).toBe(8);
  });

  it("on dotnet nuget push with the API key on the command line", () => {
    const [f] = hits(wf("      - run: |\n          dotnet pack\n          dotnet nuget push out/*.nupkg --api-key ${{ secrets.NUGET_KEY }} --source https://api.nuget.org/v3/index.json\n"));
    expect(f?.message).toContain("nuget.org with `dotnet nuget push` using the long-lived token NUGET_KEY from the command line");
    expect(f?.line).toBe(10);
    expect(f?.fix).toContain("NuGet/login");
  });

  it("on a token from the job's env, referenced as a shell variable", () => {
    const [f] = hits(wf("      - run: cargo publish --token \"$TOKEN\"\n", { jobEnv: "      TOKEN: ${{ secrets.CRATES }}" }));
    expect(f?.message).toContain("CRATES from the job's env");
  });

  it("on a credentials file written by an earlier step", () => {
    const steps = [
      "      - run: echo \"//registry.npmjs.org/:_authToken=${{ secrets.NPM_TOKEN }}\" > ~/.npmrc",
      "      - run: npm ci",
      "      - run: npm publish",
      "",
    ].join("\n");
    const [f] = hits(wf(steps));
    expect(f?.message).toContain("NPM_TOKEN from credentials written by step 1");
    expect(f?.message).toContain("step 3 of job release");
  });

  it("on publishing actions given a token", () => {
    const r = hits(wf("      - uses: pypa/gh-action-pypi-publish@release/v1\n        with: { password: '${{ secrets.PYPI_API_TOKEN }}' }\n      - uses: rubygems/configure-rubygems-credentials@v1\n        with: { api-token: '${{ secrets.RUBYGEMS }}' }\n"));
    expect(r.map((f) => f.message)).toEqual([
      expect.stringContaining("step 1 of job release publishes to PyPI with `pypa/gh-action-pypi-publish` using the long-lived token PYPI_API_TOKEN from its `password` input"),
      expect.stringContaining("step 2 of job release publishes to RubyGems.org with `rubygems/configure-rubygems-credentials` using the long-lived token RUBYGEMS"),
    ]);
  });

  it("names the leftover token when the job already has id-token: write", () => {
    const [f] = hits(wf("      - run: npm publish --provenance\n        env: { NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' }\n", { perms: "{ id-token: write }" }));
    expect(f?.message).toContain("already has id-token: write");
  });

  it("reports a tokenless publish without id-token: write at low severity", () => {
    const [f] = hits(wf("      - run: gem push x.gem\n"));
    expect(f?.severity).toBe("low");
    expect(f?.message).toContain("cannot use trusted publishing");
  });

  it("replaces long-lived-credential for the token it reports, and makes the job a publish job", () => {
    const r = analyze(wf("      - run: npm publish\n        env: { NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' }\n"));
    expect(findings(r, RULE)).toHaveLength(1);
    expect(findings(r, "long-lived-credential")).toEqual([]);
    expect(job(r, "release").phase).toBe("publish");
  });
});

describe("publish-without-trusted-publishing stays quiet", () => {
  it.each([
    ["trusted publishing: id-token: write and no token", wf("      - run: npm publish --provenance\n", { perms: "{ id-token: write }" })],
    ["the PyPI action without a password", wf("      - uses: pypa/gh-action-pypi-publish@release/v1\n", { perms: "{ id-token: write }" })],
    [
      "crates.io's OIDC action giving cargo a short-lived token",
      wf("      - uses: rust-lang/crates-io-auth-action@v1\n        id: auth\n      - run: cargo publish\n        env: { CARGO_REGISTRY_TOKEN: '${{ steps.auth.outputs.token }}' }\n", { perms: "{ id-token: write }" }),
    ],
    ["RubyGems' release action with trusted publishing", wf("      - uses: rubygems/release-gem@v1\n", { perms: "{ id-token: write, contents: write }" })],
    ["GitHub Packages with GITHUB_TOKEN", wf("      - uses: actions/setup-node@v4\n        with: { registry-url: 'https://npm.pkg.github.com' }\n      - run: npm publish\n        env: { NODE_AUTH_TOKEN: '${{ secrets.PRIVATE_TOKEN }}' }\n")],
    ["a private registry named on the command line", wf("      - run: twine upload --repository-url https://pypi.internal.example/ dist/*\n        env: { TWINE_PASSWORD: '${{ secrets.INTERNAL }}' }\n")],
    ["a dry run", wf("      - run: cargo publish --dry-run\n        env: { CARGO_REGISTRY_TOKEN: '${{ secrets.C }}' }\n")],
    ["an npm script named publish", wf("      - run: npm run publish\n        env: { NPM_TOKEN: '${{ secrets.N }}' }\n")],
    ["registries without trusted publishing (Maven Central, Gradle)", wf("      - run: ./gradlew publish\n        env: { ORG_GRADLE_PROJECT_mavenCentralPassword: '${{ secrets.MAVEN }}' }\n")],
  ])("%s", (_, yaml) => {
    const r = analyze(yaml);
    expect(r.errors).toEqual([]);
    expect(findings(r, RULE)).toEqual([]);
  });
});
