import { StringToken } from "@actions/workflow-parser/templates/tokens/string-token";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EXTRACTORS } from "./identities";
import { idOf, type Extracted } from "./identities/common";
import { expressionRefs } from "./expressions";
import { analyzeFiles } from "./index";
import { classifyPhase } from "./phase";
import { publishSites } from "./publish";
import { cacheUses } from "./cache-steps";
import type { StepModel, StepValue } from "./steps";
import type { JobModel } from "./types";
import { conditionExpressions } from "./tree";
import { untrustedCheckout } from "./untrusted";

// Scripts, inputs and names come from the repositories Gatehouse reads: every regular expression
// over them must take linear time. Each detector is fed 1 MB of the words its patterns look
// for, repeated on one line (a pattern like `az\s+login[^\n]*--service-principal` rescans the
// rest of the line from every `az login`: 288 KB of `az login ` took 8 s), and must finish in
// under a second — a linear scan of 1 MB takes a few milliseconds.

const MB = 1024 * 1024;
const BOUND_MS = 1000;

/** The words the script, name and value patterns of lib/analysis look for. */
const WORDS = [
  "az login ", "az login --service-principal ", "az x", "gcloud auth activate-service-account ", "gcloud x",
  "docker login ", "podman login ", "docker login ${{ ", "docker buildx build ", "docker push", "gh release create",
  "git fetch ", "git checkout ", "git switch ", "git ", "gh pr checkout", "${{ ", "${{ github.head_ref", "}}", "}",
  "npm publish", "yarn ", "yarn npm ", "twine upload", "uv publish", "cargo publish", "aws s3 ", "aws ", "--endpoint-url",
  "kubectl apply", "kubectl ", "helm upgrade", "terraform apply", "cosign sign ", "cosign sign --key ", "--key=", "--key ",
  "--federated-token", "refs/pull/", "pull/", "ACTIONS_ID_TOKEN_REQUEST", "ghp_", "github_pat_", "AKIA", "xoxb-",
  "hooks.slack.com/services/T", "B", "-----BEGIN ", "npm_", "pypi-AgE", "discord.com/api/webhooks/1/", "arn:aws:iam::",
  "projects/1/locations/global/workloadIdentityPools/", "SLACK_", "WEBHOOK", "PAT_", "KUBE_CONFIG", "DISCORD",
  "github.event_name != ", "head.repo.full_name == ", "prod", " ", "  ", "\t", ";", "&&", "|", "(", "`", "-", "=", "a",
  "npm ", "publish ", "gem push ", "dotnet nuget push ", "--registry ", "--registry=", "--source ", "_authToken", ".npmrc",
  "cargo login ", "\\\n", "$TOKEN ", "${", "npm@11 ", "twine==6 ", "--dry-run ",
  "GITHUB_TOKEN ", "github.token ", "pre-commit ", "make ", "./scripts/", "ghcr.io ",
  "!startsWith(github.ref, 'refs/tags/') ", "! ", "!(", "github.ref_type != ", "inputs.x == 'true' ", "github.ref == 'refs/heads/",
];

const ACTIONS = [
  "aws-actions/configure-aws-credentials@v4", "aws-actions/amazon-ecr-login@v2", "google-github-actions/auth@v2",
  "google-github-actions/get-gke-credentials@v2", "azure/login@v2", "hashicorp/vault-action@v3", "docker/login-action@v3",
  "actions/setup-node@v4", "js-devtools/npm-publish@v3", "pypa/gh-action-pypi-publish@release/v1",
  "rust-lang/crates-io-auth-action@v1", "actions/create-github-app-token@v1", "actions/attest@v1", "azure/k8s-set-context@v4",
  "azure/k8s-deploy@v5", "slackapi/slack-github-action@v2", "docker/build-push-action@v6", "actions/checkout@v4",
  "changesets/action@v1", "rubygems/release-gem@v1", "actions/setup-go@v5", "astral-sh/setup-uv@v6", "pyo3/maturin-action@v1", "rubygems/configure-rubygems-credentials@v1", "actions/setup-dotnet@v4",
];

const INPUTS = [
  "role-to-assume", "aws-access-key-id", "aws-secret-access-key", "registries", "registry-type", "client-id", "tenant-id",
  "subscription-id", "creds", "auth-type", "workload_identity_provider", "service_account", "credentials_json", "project_id",
  "cluster_name", "registry", "password", "username", "registry-url", "repository-url", "app-id", "private-key", "token",
  "method", "role", "url", "kubeconfig", "cluster-name", "k8s-url", "push", "ref", "repository", "github-token",
  "publish", "api-token", "gem-server", "setup-trusted-publisher", "source-url", "cache", "enable-cache", "sccache",
  "cache-from", "lookup-only", "x",
];

const ENV = ["NODE_AUTH_TOKEN", "NPM_TOKEN", "TWINE_PASSWORD", "CARGO_REGISTRY_TOKEN", "AWS_ACCESS_KEY_ID", "GH_TOKEN", "COSIGN_KEY", "TWINE_REPOSITORY_URL", "NUGET_AUTH_TOKEN"];

function value(text: string, name: string): StepValue {
  return { text, line: 1, exprs: [{ expr: `secrets.${name}`, line: 1 }] };
}

/** A script, every input and env value, and a secret name, of `unit` repeated to 1 MB. */
function hostile(unit: string): { text: string; steps: StepModel[] } {
  const text = repeatTo(unit, MB);
  return { text, steps: steps(value(text, repeatTo(unit.replace(/[^A-Za-z0-9_]/g, "_"), MB))) };
}

function steps(v: StepValue): StepModel[] {
  const all = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, v]));
  const base = { index: 1, line: 1, id: null, name: null, cond: v, origin: null, with: all(INPUTS), env: all(ENV) };
  return [{ ...base, uses: null, run: v }, ...ACTIONS.map((uses) => ({ ...base, uses, run: null }))];
}

function jobStub(text: string): JobModel {
  return { runsUntrustedCode: false, identities: [], systems: [], environment: text } as unknown as JobModel;
}

const DETECTORS: [string, (s: StepModel[], text: string) => void][] = [
  ...EXTRACTORS.map((extract): [string, (s: StepModel[], text: string) => void] => [
    `identities: ${extract.name}`,
    (ss) => {
      const out: Extracted = { identities: [], systems: [] };
      for (const step of ss) extract({ step, job: { idToken: true, secrets: [] }, out });
    },
  ]),
  [
    "identities: idOf (a value that is one whole expression)",
    (ss, text) => void ["", "${{", "${{ x "].map((before) => [`${before}${text}`, `${before}${text}}}`, `${before}${text}x}}x`].map((t) => idOf({ ...ss[0]!.run!, text: t }))),
  ],
  ["expressions: context references", (_, text) => void expressionRefs(text)],
  ["expressions: `${{ }}` inside a plain string", (_, text) => void conditionExpressions(new StringToken(undefined, undefined, text, undefined))],
  ["trust phase: publish and deploy scripts", (ss, text) => void classifyPhase(jobStub(text), ss)],
  ["untrusted checkout: scripts that fetch the pull request", (ss) => void untrustedCheckout(["pull_request_target"], ["pull_request_target"], ss)],
  ["publishing: registry commands, their targets and tokens", (ss) => void publishSites(ss, () => ss[0]!.env, () => ss[0]!.env)],
  ["caches: cache-aware steps, their toggles and conditions", (ss) => void cacheUses(ss.map((s, i) => ({ ...s, origin: i > 0 ? "a/action.yml" : null })))],
];

function repeatTo(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

function timed(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

describe("regular expressions over scripts, inputs and names take linear time", () => {
  describe.each(DETECTORS)("%s", (_, detect) => {
    it("1 MB of each trigger word repeated, in under a second each", { timeout: 300_000 }, () => {
      const slow: { word: string; ms: number }[] = [];
      for (const word of WORDS) {
        const { text, steps: ss } = hostile(word);
        const ms = timed(() => detect(ss, text));
        if (ms >= BOUND_MS) slow.push({ word, ms: Math.round(ms) });
      }
      expect(slow).toEqual([]);
    });

    it("1 MB of random sequences of trigger words repeated, in under a second each", { timeout: 300_000 }, () => {
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...WORDS), { minLength: 2, maxLength: 5 }), (unit) => {
          const { text, steps: ss } = hostile(unit.join(""));
          return timed(() => detect(ss, text)) < BOUND_MS;
        }),
        { numRuns: 10, seed: 9, endOnFailure: true },
      );
    });
  });
});

describe("a whole workflow of hostile scripts, conditions and values", () => {
  // The same words through the parser, the model and every rule: a 3 MB workflow whose steps
  // each repeat one word on long lines (run, if, env, with). Unbalanced brackets would have the
  // file refused as too deeply nested, so expressions come whole here.
  it("analyses in bounded time", { timeout: 60_000 }, () => {
    const line = (w: string, size: number) => JSON.stringify(repeatTo(w, size));
    const words = [...WORDS.filter((w) => w.trim() !== "" && !/[{}[\]]/.test(w)), "${{ github.head_ref }} ", "${{ secrets.PAT_X }}"];
    const stepsYaml = words.map(
      (w) =>
        `      - if: ${line(w, 8 * 1024)}\n        uses: docker/login-action@v3\n        with: { registry: ${line(w, 8 * 1024)} }\n` +
        `      - run: ${line(w, 16 * 1024)}\n        env: { GH_TOKEN: ${line(w, 8 * 1024)} }`,
    );
    const yaml = `on: pull_request_target\npermissions: { id-token: write, contents: write, packages: write }\njobs:\n  j:\n    runs-on: ubuntu-latest\n    if: ${line("github.event_name != ", 64 * 1024)}\n    steps:\n${stepsYaml.join("\n")}\n`;
    expect(yaml.length).toBeGreaterThan(2 * MB);
    let result: ReturnType<typeof analyzeFiles> | undefined;
    const ms = timed(() => (result = analyzeFiles([{ path: ".github/workflows/h.yml", content: yaml }], undefined, { root: "r", limits: { maxBytes: 4 * MB } })));
    expect(result?.errors).toEqual([]);
    expect(result?.workflows).toHaveLength(1);
    expect(ms).toBeLessThan(15_000);
  });
});
