import type { RuleMeta } from "./catalog";

// Rules over Buildkite pipeline files (lib/analysis/buildkite). Each finding names the step
// (its key, else its label) as its job.

export const BUILDKITE_RULES: readonly RuleMeta[] = [
  {
    id: "buildkite-oidc-no-audience",
    severity: "medium",
    title: "Buildkite OIDC token requested without an audience",
    why: "Without `--audience` the token is issued for Buildkite's default audience (https://buildkite.com/<organization>), which every relying party set up for the organization's default tokens accepts: a token minted for one purpose, leaked from one step, works at all of them.",
    example: "`buildkite-agent oidc request-token` piped into `aws sts assume-role-with-web-identity`",
    fix: "Pass `--audience` naming the one service the token is for (`sts.amazonaws.com`, the Google provider, your Vault), and make that service require it.",
  },
  {
    id: "buildkite-oidc-long-lifetime",
    severity: "medium",
    title: "Buildkite OIDC token with a lifetime over an hour",
    why: "The token is only needed for the exchange with the cloud, seconds after it is minted; Buildkite's default is 5 minutes. A token valid for hours can be replayed by whoever reads it from a log, an artifact or a compromised later command, long after the step ended. One hour is the longest an exchange normally needs (and AWS's default role session).",
    example: "`buildkite-agent oidc request-token --audience sts.amazonaws.com --lifetime 43200`, or `role-session-duration: 43200` on aws-assume-role-with-web-identity",
    fix: "Drop `--lifetime` (or keep it under 3600 s); for long jobs, request a fresh token when the cloud session expires.",
  },
  {
    id: "buildkite-plugin-unpinned",
    severity: "medium",
    title: "Buildkite plugin not pinned to a commit",
    why: "A plugin's hooks run inside the step with its environment, its secrets and the agent's job token. Without a `#ref` the agent checks out the plugin repository's default branch at every build, so whoever can push there runs code in your step; a version tag is better but its owner can move it. Only a commit SHA fixes the code.",
    example: "`- docker-login:` or `- org/deploy#main` (high or medium), `- docker#v5.12.0` (low)",
    fix: "Reference the plugin by commit: `docker#<40-hex SHA>` (keep the version in a comment).",
  },
  {
    id: "buildkite-static-cloud-key",
    severity: "high",
    title: "Static cloud key in a Buildkite step",
    why: "A stored access key works from anywhere until someone revokes it, and every step, plugin and hook that sees the environment can copy it. Every Buildkite agent can mint an OIDC token that AWS, Google Cloud and Azure exchange for short-lived credentials bound to the pipeline.",
    example: "`secrets: [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY]`, an aws-ssm parameter exported as AWS_SECRET_ACCESS_KEY",
    fix: "Use the aws-assume-role-with-web-identity (or gcp-workload-identity-federation) plugin with a role that trusts the pipeline's Buildkite OIDC token, then revoke the key.",
  },
  {
    id: "buildkite-pipeline-upload-untrusted",
    severity: "high",
    title: "`pipeline upload` of steps built from untrusted input",
    why: "Uploaded steps run like the file's own: they choose their queue, their plugins and the Buildkite secrets they ask for. Steps generated from a branch name, a commit message or an author — text an outsider chooses — can carry new YAML; steps uploaded by a pull-request step that holds credentials are the pull request's own, generated with those credentials at hand.",
    example: "`echo \"steps: [{label: $BUILDKITE_BRANCH}]\" | buildkite-agent pipeline upload`; a step with `if: build.pull_request.id != null` and `secrets:` running `.buildkite/gen.sh | buildkite-agent pipeline upload`",
    fix: "Generate steps from trusted data only (pass untrusted values as `env:` entries the steps read as `$$VAR`), and upload from pull-request builds without credentials in the uploading step.",
  },
  {
    id: "buildkite-command-interpolation",
    severity: "high",
    title: "Untrusted build value written into a command at upload",
    why: "`buildkite-agent pipeline upload` replaces `$VAR` and `${VAR}` in the file with their values before the steps exist, so `echo \"$BUILDKITE_MESSAGE\"` becomes a command containing the commit message itself; a message or branch name with `$(…)` or a quote then runs as shell in the step.",
    example: "`command: ./notify.sh \"$BUILDKITE_MESSAGE\"`, `if [[ \"$BUILDKITE_BRANCH\" == main ]]`",
    fix: "Escape the variable as `$$BUILDKITE_MESSAGE` (or `\\$BUILDKITE_MESSAGE`) so the shell reads it at run time as data.",
  },
  {
    id: "buildkite-secrets-untrusted-step",
    severity: "high",
    title: "Credentials in a step that runs pull-request code",
    why: "A step conditioned to run on pull-request builds runs the pull request's code: scripts, build files and tests it changed. Any secret, OIDC token or cloud role the step holds is available to that code — from a fork, to anyone who opens a pull request, if the pipeline builds forks.",
    example: "`if: build.pull_request.id != null` on a step with `secrets: [NPM_TOKEN]` or an aws-assume-role-with-web-identity plugin",
    fix: "Move the credentialed work to a step that runs only on trusted builds (`if: build.pull_request.id == null`), or give pull-request steps a queue whose agents hold no credentials.",
  },
];
