import type { PipelineSourceFinding, PipelineSourceSnapshot } from "@/lib/db/schema/pipeline-sources";
import type { Grant, ServiceAccountRead } from "@/lib/kubernetes/types";
import { buildkiteFindings } from "./buildkite-rules";
import { joinBuildkite, joinCluster, type JoinedAccount, type JoinedTektonFile, type PipelineInventory } from "./join";

// The findings only a pipeline source's API can show (`pipeline_source.findings`), by rule id.
// Severities, and the logic of each, are in JOIN.md. Repository files' own findings are the
// analyser's (lib/analysis/buildkite, lib/analysis/tekton); none is repeated here.

/** Every rule id with the short title the workflow page shows. */
export const PIPELINE_SOURCE_RULES = {
  "buildkite-fork-builds-deploy-queue": "Fork pull requests built on a queue that holds credentials",
  "buildkite-fork-builds-secrets": "Secrets readable by fork pull-request builds",
  "buildkite-stored-steps-upload-from-fork": "A fork's pipeline file decides the steps",
  "buildkite-agent-token-unrestricted": "Agent token without IP restriction or expiry",
  "tekton-sa-cluster-admin": "Pipeline's service account is cluster-admin",
  "tekton-sa-secrets-read": "Pipeline's service account reads secrets",
  "tekton-sa-escalation": "Pipeline's service account can escalate",
  "tekton-pr-run-deploy-identity": "Pull-request run with a deploy identity",
  "tekton-sa-long-lived-token": "Long-lived token for a pipeline's service account",
} as const;

/** The rule ids, for the scope of a repository's findings (lib/findings/findings-store.ts `rules`). */
export const PIPELINE_SOURCE_RULE_IDS: readonly string[] = Object.keys(PIPELINE_SOURCE_RULES);

/** What to do, per rule: the `fix` of the finding row (each message also says it, with the names). */
export const PIPELINE_SOURCE_FIXES: Record<keyof typeof PIPELINE_SOURCE_RULES, string> = {
  "buildkite-fork-builds-deploy-queue": "Build forks' pull requests on a queue whose agents hold nothing (better, a cluster of their own), or turn off building pull requests from forks.",
  "buildkite-fork-builds-secrets": "Keep credentials out of what fork builds can read: secret policies with build_branch rules, no credentials in pipeline-level env.",
  "buildkite-stored-steps-upload-from-fork": "For forks, upload the default branch's pipeline file, or stop building forks.",
  "buildkite-agent-token-unrestricted": "Give agent tokens allowed IP addresses and an expiry; rotate this one.",
  "tekton-sa-cluster-admin": "Bind the pipeline's account only to the namespaces and resources it deploys.",
  "tekton-sa-secrets-read": "Give the pipeline's account the secrets it needs by name (resourceNames), not get/list on all secrets.",
  "tekton-sa-escalation": "Remove escalate, bind, impersonate and serviceaccounts/token from the pipeline's account.",
  "tekton-pr-run-deploy-identity": "Run pull-request pipelines as an account with no cloud identity and read-only access.",
  "tekton-sa-long-lived-token": "Delete the account's token secrets; pods get short-lived projected tokens.",
};

/** Verbs that change the cluster (`*` included): an account with one of them can deploy. */
const WRITE_VERBS = new Set(["*", "create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate"]);
const writes = (g: Grant): boolean => g.rules.some((r) => r.verbs.some((v) => WRITE_VERBS.has(v)));
const scopeOf = (g: Grant): string => (g.namespace === null ? "cluster-wide" : `in ${g.namespace}`);
const isClusterAdmin = (a: ServiceAccountRead): boolean => a.flags.includes("cluster-admin") || (a.flags.includes("wildcard-verbs") && a.flags.includes("wildcard-resources"));

function tektonFindings(files: JoinedTektonFile[]): PipelineSourceFinding[] {
  const out: PipelineSourceFinding[] = [];
  for (const f of files) {
    for (const joined of f.accounts) {
      const a = joined.account;
      if (!a) continue;
      const who = `ServiceAccount ${a.namespace}/${a.name}`;
      const tasks = joined.jobKeys.join(", ");
      const add = (rule: keyof typeof PIPELINE_SOURCE_RULES, severity: PipelineSourceFinding["severity"], message: string) =>
        out.push({ rule, severity, message, resource: who, repo: f.repo, workflowPath: f.path, jobKey: joined.jobKeys.length === 1 ? joined.jobKeys[0]! : null });
      const via = (flag: string) => a.grants.filter((g) => g.flags.includes(flag as never)).map((g) => `${g.role} through ${g.binding} (${scopeOf(g)})`).join("; ");
      if (isClusterAdmin(a)) {
        add("tekton-sa-cluster-admin", "critical", `${f.path} runs ${tasks} as ${who}, which is cluster-admin (${via(a.flags.includes("cluster-admin") ? "cluster-admin" : "wildcard-verbs")}): any step of the run can do anything in the cluster. Give the pipeline an account bound only to the namespaces and resources it deploys, and remove the binding.`);
      } else {
        const secretGrants = a.grants.filter((g) => g.flags.includes("secrets-read"));
        if (secretGrants.length > 0) {
          add("tekton-sa-secrets-read", secretGrants.some((g) => g.namespace === null) ? "high" : "medium", `${f.path} runs ${tasks} as ${who}, which can read secrets (${via("secrets-read")}): every step can read their values. Limit the rule to the secrets it needs with resourceNames, in its own namespace.`);
        }
        if (a.flags.includes("escalation")) {
          add("tekton-sa-escalation", "high", `${f.path} runs ${tasks} as ${who}, which can grant itself more (${via("escalation")}: escalate, bind, impersonate or mint tokens). Remove those verbs from the pipeline's roles.`);
        }
      }
      if (f.triggers.includes("pull_request")) prRun(f, joined, a, add);
      const tokens = a.secrets.filter((s) => s.kind === "service-account-token" && s.exists !== false).map((s) => s.name);
      if (tokens.length > 0) {
        add("tekton-sa-long-lived-token", "medium", `${who}, which ${f.path} runs as, has long-lived token secret${tokens.length > 1 ? "s" : ""} ${tokens.join(", ")}: they never expire and work outside the cluster. Delete them (\`kubectl -n ${a.namespace} delete secret ${tokens.join(" ")}\`); pods get short-lived projected tokens without them.`);
      }
    }
  }
  return out;
}

function prRun(f: JoinedTektonFile, joined: JoinedAccount, a: ServiceAccountRead, add: (rule: "tekton-pr-run-deploy-identity", severity: "high", message: string) => void): void {
  const writeGrants = a.grants.filter(writes);
  if (a.workloadIdentities.length === 0 && writeGrants.length === 0) return;
  const what = [
    ...a.workloadIdentities.map((w) => `${w.provider.toUpperCase()} identity ${w.id}`),
    ...(writeGrants.length > 0 ? [`write access through ${writeGrants.map((g) => `${g.role} (${scopeOf(g)})`).join(", ")}`] : []),
  ].join(" and ");
  add(
    "tekton-pr-run-deploy-identity",
    "high",
    `${f.path} runs on pull requests as ServiceAccount ${a.namespace}/${a.name} (${joined.jobKeys.join(", ")}), which has ${what}: the pull request's code runs with them. Run pull-request pipelines as an account with no workload identity and read-only access, and keep this one for pushes to the default branch.`,
  );
}

/** A source's findings against the organisation's inventory. */
export function sourceFindings(snapshot: PipelineSourceSnapshot, inventory: PipelineInventory): PipelineSourceFinding[] {
  if (snapshot.kind === "buildkite") return buildkiteFindings(snapshot.read, joinBuildkite(snapshot.read, inventory));
  return tektonFindings(joinCluster(snapshot.read, inventory));
}
