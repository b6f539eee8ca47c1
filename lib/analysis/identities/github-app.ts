import { expressionRefs } from "../expressions";
import { actionName, type StepValue } from "../steps";
import { identity, system, type Extractor } from "./common";

const APP_ACTIONS = new Set(["actions/create-github-app-token", "tibdex/github-app-token", "peter-murray/workflow-application-token-action", "navikt/github-app-token-generator"]);

/** A GitHub App installation token minted in the job. */
export const githubApp: Extractor = (input) => {
  const { step } = input;
  if (step.uses === null || !APP_ACTIONS.has(actionName(step.uses) ?? "")) return;
  const app = step.with["app-id"] ?? step.with.app_id ?? step.with["client-id"] ?? step.with.application_id;
  const key = step.with["private-key"] ?? step.with.private_key ?? step.with.application_private_key;
  const secrets = key?.exprs.flatMap((e) => expressionRefs(e.expr).secrets) ?? [];
  identity(input, "github-app", app, false, { secrets });
  system(input, "github", "github-app");
};

/** Secret names that belong to another service even when they say PAT or TOKEN. */
const NOT_GITHUB = /SLACK|NPM|PYPI|DOCKER|CODECOV|SONAR|AWS|AZURE|GCP|VAULT|CARGO|NUGET|TWINE|DISCORD|COSIGN|SNYK|GITLAB|BITBUCKET|TELEGRAM|CODSPEED|SENTRY|OPENAI|ANTHROPIC|HUGGING|QUAY|CLOUDFLARE|VERCEL|NETLIFY/i;

/** Secret names that say "personal access token". */
export const PAT_NAME = /(^|_)PAT(_|$)|PERSONAL_ACCESS_TOKEN|(^|_)CLASSIC_TOKEN/i;
/** Inputs whose name says GitHub, and env keys that GitHub tooling (gh, octokit) reads. */
const GITHUB_WITH_SLOTS = ["github-token", "github_token", "repo-token", "repo_token", "gh-token", "gh_token"];
const GITHUB_ENV_SLOTS = ["GH_TOKEN", "GITHUB_TOKEN", "GH_PAT", "GITHUB_PAT", "GH_ENTERPRISE_TOKEN"];
/** Owners whose actions take a GitHub token in a plain `token:` input. */
const GITHUB_TOKEN_OWNERS = /^(actions|github|peter-evans|changesets|cli|octokit|stefanzweifel|ad-m|googleapis|release-drafter|softprops|ncipollo|dependabot|mislav)\//i;

function ghSecretsIn(v: StepValue | undefined): string[] {
  if (v === undefined) return [];
  return v.exprs.flatMap((e) => expressionRefs(e.expr).secrets).filter((s) => s.toUpperCase() !== "GITHUB_TOKEN");
}

/**
 * A long-lived GitHub credential stored as a secret: a name that says PAT, or any secret
 * other than GITHUB_TOKEN placed where a GitHub token goes (`token:`, `GH_TOKEN`…).
 */
export const githubPat: Extractor = (input) => {
  const { step } = input;
  const found = new Map<string, number>();
  const add = (v: StepValue | undefined) => {
    for (const s of ghSecretsIn(v)) if (v !== undefined && !found.has(s)) found.set(s, v.line);
  };
  for (const slot of GITHUB_WITH_SLOTS) add(step.with[slot]);
  for (const slot of GITHUB_ENV_SLOTS) add(step.env[slot]);
  if (step.uses !== null && GITHUB_TOKEN_OWNERS.test(step.uses)) add(step.with.token);
  for (const v of [...Object.values(step.with), ...Object.values(step.env), ...(step.run ? [step.run] : [])]) {
    for (const s of ghSecretsIn(v)) if (PAT_NAME.test(s) && !found.has(s)) found.set(s, v.line);
  }
  for (const [name, line] of found) {
    if (NOT_GITHUB.test(name)) continue;
    if (input.out.identities.some((i) => i.kind === "github-pat" && i.id === name)) continue;
    identity(input, "github-pat", { id: name, symbolic: false }, false, { secrets: [name], line });
    system(input, "github", "github.com");
  }
};
