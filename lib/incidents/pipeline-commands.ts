// Containing a Buildkite or Tekton pipeline found in a repository: the exact commands a
// responder runs, for the checklist (pure). The file says which repository the pipeline builds
// but not the Buildkite pipeline's slug or the cluster namespace it runs in, so the commands
// find them first; with a Buildkite connection the plan is exact (lib/buildkite/incident-plan.ts).
import { shellQuote } from "./commands";

const BK = 'curl -sf -H "Authorization: Bearer $BUILDKITE_API_TOKEN"';
const BK_API = "https://api.buildkite.com/v2/organizations/$BUILDKITE_ORG";

/** Buildkite: cancel the active builds of every pipeline building `repo`, then archive it (archived pipelines are read-only). */
export function buildkiteContainCommand(repo: string): string {
  return [
    `# The Buildkite pipelines that build ${repo} (token scopes: read_pipelines, read_builds, write_builds, write_pipelines)`,
    `${BK} "${BK_API}/pipelines?per_page=100" | jq -r '.[] | select(.repository | test(${shellQuote(`[:/]${repo}(\\.git)?$`)})) | .slug'`,
    "# for each <slug>: its scheduled, running and failing builds, each cancelled",
    `${BK} "${BK_API}/pipelines/<slug>/builds?state[]=scheduled&state[]=running&state[]=failing" | jq -r '.[].number'`,
    `${BK} -X PUT "${BK_API}/pipelines/<slug>/builds/<number>/cancel"`,
    "# then archive it: no new builds until it is unarchived",
    `${BK} -X POST "${BK_API}/pipelines/<slug>/archive"`,
  ].join("\n");
}

/** Tekton (Pipelines-as-Code): stop new runs for `repo`, cancel the running ones, cut the service account's tokens. */
export function tektonContainCommand(repo: string, serviceAccounts: string[]): string {
  const sas = serviceAccounts.length > 0 ? serviceAccounts : ["<service-account>"];
  return [
    `# The Pipelines-as-Code Repository for ${repo}, and its namespace`,
    `kubectl get repositories.pipelinesascode.tekton.dev -A -o json | jq -r '.items[] | select(.spec.url | test(${shellQuote(`${repo}$`)})) | "\\(.metadata.namespace) \\(.metadata.name)"'`,
    "# stop new runs: remove the Repository (keep its YAML to restore it), then cancel the running PipelineRuns",
    "kubectl get repository <name> -n <namespace> -o yaml > repository-<name>.yaml && kubectl delete repository <name> -n <namespace>",
    "tkn pipelinerun list -n <namespace> --label pipelinesascode.tekton.dev/repository=<name> -o name | xargs -r -n1 tkn pipelinerun cancel -n <namespace>",
    ...sas.map((sa) => `# tokens of ${sa}: delete its token secrets (new ones are minted on demand)\nkubectl get secrets -n <namespace> --field-selector type=kubernetes.io/service-account-token -o json | jq -r '.items[] | select(.metadata.annotations["kubernetes.io/service-account.name"] == ${shellQuote(sa)}) | .metadata.name' | xargs -r kubectl delete secret -n <namespace>`),
  ].join("\n");
}

/** Rotating a secret a Buildkite or Tekton pipeline reads. */
export function externalSecretCommand(system: string, name: string): { detail: string; command: string | null } {
  if (system === "tekton") {
    const [secret, key] = name.includes("/") ? name.split("/", 2) : [name, "<key>"];
    return {
      detail: "A Kubernetes secret: revoke the credential where it was issued, then replace the secret's value in the pipeline's namespace.",
      command: `kubectl create secret generic ${secret} -n <namespace> --from-literal=${key}="$NEW_VALUE" --dry-run=client -o yaml | kubectl apply -f -`,
    };
  }
  if (/^(arn:|vault:|secret\/|ssm:)/i.test(name) || name.includes("/")) {
    return { detail: "Held in the store the pipeline's plugin reads (Vault, AWS Secrets Manager or SSM): revoke it where it was issued and write the new value there.", command: null };
  }
  return {
    detail: "A Buildkite secret: revoke the credential where it was issued, then update the secret in its cluster (Buildkite → Clusters → Secrets).",
    command: `${BK} "${BK_API}/clusters" | jq -r '.[].id'  # then, in the cluster holding ${name}: Buildkite → Clusters → Secrets → ${name} → Update`,
  };
}
