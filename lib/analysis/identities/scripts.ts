import { closedExpressions, headThenTail } from "../line-scan";
import { identity, secretsIn, system, type Extractor } from "./common";
import { staticSecrets } from "./registries";

// Heuristics over `run:` scripts: every identity found here carries `heuristic: true`.

const CMD = (re: string): RegExp => new RegExp(`(^|[\\s;&|(\`])${re}`, "m");
const DOCKER_LOGIN = /(?:^|[\s;&|(])(?:docker|podman|buildah)\s+login\b([^\n]*)/m;
const NPM_PUBLISH = CMD("(npm|pnpm|bun|yarn(\\s+npm)?)\\s+publish\\b");
const PY_PUBLISH = CMD("(twine\\s+upload|uv\\s+publish|poetry\\s+publish|flit\\s+publish|hatch\\s+publish)\\b");
const CARGO_PUBLISH = CMD("cargo\\s+publish\\b");
const AWS = CMD("aws\\s+[a-z0-9-]+\\s+[a-z0-9-]+");
const GCLOUD = CMD("gcloud\\s+\\w");
// `gcloud auth activate-service-account … --key-file` on one line.
const GCLOUD_KEY = [/gcloud\s+auth\s+activate-service-account/g, /--key-file/g] as const;
const AZ = CMD("az\\s+[a-z]+");
// `az login … --service-principal …` on one line.
const AZ_SP = [/az\s+login\s+/g, /--service-principal/g] as const;
const KUBECTL = CMD("(kubectl|helm|kustomize)\\s+\\w");

/** The arguments with each `${{ }}` that does not name a registry, host or server made "X". */
function maskExpressions(args: string): string {
  let out = "";
  let pos = 0;
  for (const { start, end } of closedExpressions(args)) {
    const m = args.slice(start, end);
    out += args.slice(pos, start) + (/(registry|host|server)/i.test(m) ? m : "X");
    pos = end;
  }
  return out + args.slice(pos);
}

function hostOf(args: string): string {
  const positional = maskExpressions(args)
    .split(/\s+/)
    .filter((a) => a !== "" && !a.startsWith("-") && a !== "X" && !/^[<|&;]/.test(a));
  const candidate = positional.find((a) => /[.:]/.test(a) || a.startsWith("${{"));
  return candidate ?? "docker.io";
}

export const runScripts: Extractor = (input) => {
  const { step, job } = input;
  if (step.run === null) return;
  const script = step.run.text;
  const env = Object.values(step.env);
  const docker = DOCKER_LOGIN.exec(script);
  if (docker) {
    const host = hostOf(docker[1] ?? "");
    identity(input, "registry-login", { id: host, symbolic: host.startsWith("${{") }, false, { secrets: staticSecrets(step.run, ...env), heuristic: true });
    system(input, "container-registry", host, host.startsWith("${{"), true);
  }
  if (NPM_PUBLISH.test(script)) {
    const holdsToken = input.out.identities.some((i) => i.kind === "npm-token") || staticSecrets(step.env.NODE_AUTH_TOKEN, step.env.NPM_TOKEN).length > 0;
    if (!holdsToken && job.idToken) identity(input, "npm-trusted-publishing", { id: "registry.npmjs.org", symbolic: false }, true, { heuristic: true });
    system(input, "npm", "registry.npmjs.org", false, true);
  }
  if (PY_PUBLISH.test(script)) {
    const tokens = staticSecrets(step.env.TWINE_PASSWORD, step.env.UV_PUBLISH_TOKEN, step.env.POETRY_PYPI_TOKEN_PYPI, step.env.FLIT_PASSWORD, step.env.HATCH_INDEX_AUTH);
    if (tokens.length > 0) identity(input, "pypi-token", { id: "upload.pypi.org", symbolic: false }, false, { secrets: tokens, heuristic: true });
    else if (job.idToken) identity(input, "pypi-trusted-publishing", { id: "upload.pypi.org", symbolic: false }, true, { heuristic: true });
    system(input, "pypi", "upload.pypi.org", false, true);
  }
  if (CARGO_PUBLISH.test(script)) {
    const tokens = staticSecrets(step.run).concat(staticSecrets(step.env.CARGO_REGISTRY_TOKEN));
    if (tokens.length > 0 && !input.out.identities.some((i) => i.kind === "crates-token")) {
      identity(input, "crates-token", { id: tokens[0] ?? null, symbolic: false }, false, { secrets: tokens, heuristic: true });
    }
    system(input, "crates", "crates.io", false, true);
  }
  const awsKey = staticSecrets(step.env.AWS_ACCESS_KEY_ID, step.env.AWS_SECRET_ACCESS_KEY);
  // A custom endpoint points the AWS CLI at an S3-compatible service (R2, MinIO…), not AWS.
  const otherEndpoint = /--endpoint-url/.test(script) || step.env.AWS_ENDPOINT_URL !== undefined || step.env.AWS_ENDPOINT_URL_S3 !== undefined;
  if (AWS.test(script) && !otherEndpoint) {
    if (awsKey.length > 0) identity(input, "aws-access-key", { id: awsKey[0] ?? null, symbolic: false }, false, { secrets: awsKey, heuristic: true });
    system(input, "aws-account", null, false, true);
  }
  if (GCLOUD.test(script)) {
    if (headThenTail(script, ...GCLOUD_KEY) !== null) identity(input, "gcp-service-account-key", { id: null, symbolic: false }, false, { secrets: secretsIn(step.run, ...env), heuristic: true });
    system(input, "gcp-project", null, false, true);
  }
  if (AZ.test(script)) {
    const sp = headThenTail(script, ...AZ_SP);
    if (sp) {
      const federated = script.slice(sp.index, sp.lineEnd).includes("--federated-token");
      identity(input, federated ? "azure-federated" : "azure-client-secret", { id: null, symbolic: false }, federated, { secrets: staticSecrets(step.run, ...env), heuristic: true });
    }
    system(input, "azure-tenant", null, false, true);
  }
  if (KUBECTL.test(script)) system(input, "kubernetes", null, false, true);
};
