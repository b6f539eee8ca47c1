import type { RuleMeta } from "./catalog";

// Tekton (PipelineRuns, Pipelines, Tasks, StepActions; Pipelines-as-Code and Lighthouse).
// How each is decided, and its limits: lib/analysis/tekton/README.md.

export const TEKTON_RULES: readonly RuleMeta[] = [
  {
    id: "tekton-pr-service-account",
    severity: "high",
    title: "Pull-request run executes as a service account that publishes or deploys",
    why: "Pipelines-as-Code and Lighthouse run a pull request's own `.tekton/` or `.lighthouse/` definitions once their ACL lets the author in (a collaborator, an organisation member, OWNERS, or anyone after `/ok-to-test`). The run's service account — and everything its Secrets and RBAC allow — is then in the hands of the pull request's code and of whoever can change its PipelineRun.",
    example: "`on-event: [pull_request]` with `taskRunTemplate.serviceAccountName: build-pipeline-app` and a buildah task that pushes the image",
    fix: "Run pull-request pipelines as a service account that can only build (no push, no deploy rights), keep publishing and deploying in push-triggered runs, and set `pipelinerun_provenance: default_branch` on the Repository so the definition comes from the default branch.",
  },
  {
    id: "tekton-secret-in-untrusted-task",
    severity: "high",
    title: "Secrets mounted into a task that runs pull-request code",
    why: "A task of a pull-request-triggered run executes the pull request's code (and definition): every secret it gets as env (`secretKeyRef`, `envFrom`), a workspace, a volume or a param can be read and sent out by that code.",
    example: "`on-event: [pull_request]` and a step with `env: [{ name: API_KEY, valueFrom: { secretKeyRef: { name: gemini-api-key, key: api-key } } }]`",
    fix: "Give pull-request runs no long-lived secrets: move the steps that need them to a push-triggered run, or to a task that does not run the pull request's code.",
  },
  {
    id: "tekton-unpinned-reference",
    severity: "medium",
    title: "Remote Task, Pipeline or StepAction not pinned",
    why: "A bundle by tag, a git resolver on a branch, a Tekton Hub task at `latest` or a version, or a URL on a branch can change under the same reference: whoever controls it changes what runs, with the run's service account and secrets.",
    example: "`taskRef: { resolver: bundles, params: [{ name: bundle, value: ghcr.io/tektoncd/catalog/upstream/tasks/git-clone:0.7 }] }`",
    fix: "Pin bundles by digest (`…@sha256:…`), git resolver references by a full commit SHA (`revision: <40 hex>`), and URLs to a commit; vendor Hub tasks into the repository.",
  },
  {
    id: "tekton-cel-any-event",
    severity: "medium",
    title: "on-cel-expression matches every event",
    why: "A CEL expression that never tests `event` matches pull requests (and incoming webhooks) as well as pushes: a run meant for the default branch also runs a pull request's code with its service account and secrets.",
    example: "`pipelinesascode.tekton.dev/on-cel-expression: target_branch == \"main\"`",
    fix: "Start the expression with the event: `event == \"push\" && target_branch == \"main\"`.",
  },
  {
    id: "tekton-cel-admits-forks",
    severity: "medium",
    title: "on-cel-expression gates pull requests on fields their author chooses",
    why: "`source_branch`, `event_title` and the pull request's head ref and title are chosen by whoever opens the pull request — a fork can name its branch `main` or `release-1.0`. Testing them looks like a trust check but keeps no outsider out.",
    example: "`event == \"pull_request\" && source_branch.startsWith(\"release-\")`",
    fix: "Gate on what the author cannot choose: `target_branch`, `source_url == target_url` (same repository, no fork), or a label only maintainers can set; keep credentials out of pull-request runs.",
  },
  {
    id: "tekton-repository-source-provenance",
    severity: "medium",
    title: "Pipelines-as-Code runs the pull request's own PipelineRun definitions",
    why: "By default (`pipelinerun_provenance: source`) Pipelines-as-Code takes the PipelineRuns from the `.tekton/` directory of the branch the event comes from: an author its ACL lets in can change the service account, secrets and tasks of a run before anyone reviews the change.",
    example: "a `Repository` (pipelinesascode.tekton.dev/v1alpha1) without `spec.settings.pipelinerun_provenance`",
    fix: "Set `spec.settings.pipelinerun_provenance: default_branch` on the Repository.",
  },
  {
    id: "tekton-repository-git-token",
    severity: "medium",
    title: "Pipelines-as-Code Repository uses a stored git provider token",
    why: "With `git_provider.secret` (webhook mode) Pipelines-as-Code uses a long-lived token instead of the GitHub App's short-lived installation token, and copies it into every run's `{{ git_auth_secret }}` — pull-request runs included.",
    example: "`spec.git_provider: { secret: { name: github-webhook-config, key: provider.token } }`",
    fix: "Use the Pipelines-as-Code GitHub App where the provider allows it; otherwise a fine-grained token limited to this repository and to the scopes Pipelines-as-Code needs, and `secret-auto-create: false` if runs need no git credentials.",
  },
];
