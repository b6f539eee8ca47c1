import { isCredentialName } from "@/lib/analysis/buildkite/commands";
import type { BuildkiteOrgRead } from "@/lib/buildkite/types";
import type { PipelineSourceFinding } from "@/lib/db/schema/pipeline-sources";
import { buildsForks, assumesIdentity, heldBy, holdsCredentials, policyAdmitsForks, queueOf, stepRunsForForks } from "./fork-reach";
import type { BuildkiteStep, JoinedBuildkitePipeline } from "./join";

// Findings only the Buildkite API can show, over the joined pipelines (JOIN.md states each rule's logic).

const resourceOf = (j: JoinedBuildkitePipeline): string => `pipeline ${j.pipeline.slug}`;
const where = (j: JoinedBuildkitePipeline, s: BuildkiteStep): string => (s.path ? `${s.path} (uploaded by ${j.pipeline.slug})` : `the steps stored in Buildkite for ${j.pipeline.slug}`);
const commandSteps = (j: JoinedBuildkitePipeline): BuildkiteStep[] => j.steps.filter((s) => s.job.stepType === undefined || s.job.stepType === "command");
const sameCluster = (a: JoinedBuildkitePipeline, b: JoinedBuildkitePipeline): boolean => (a.cluster === null ? a === b : a.cluster.id === b.cluster?.id);
const clusterName = (j: JoinedBuildkitePipeline): string => (j.cluster ? `cluster ${j.cluster.name}` : "the unclustered agents");

/**
 * `buildkite-fork-builds-deploy-queue`: a fork's build runs a step on queue Q, and another step
 * (of this pipeline or of any pipeline of the same cluster) that does not run for forks holds a
 * credential on Q. Agents of a queue are shared: the fork's code can leave hooks, poison caches
 * or read what the agent itself holds before the deploy runs there.
 */
function forkDeployQueue(forked: JoinedBuildkitePipeline, all: JoinedBuildkitePipeline[], add: (f: PipelineSourceFinding) => void): void {
  const reached = new Map<string, BuildkiteStep>();
  for (const s of commandSteps(forked)) if (stepRunsForForks(s.job, forked.pipeline)) reached.set(queueOf(s.job, forked.cluster), reached.get(queueOf(s.job, forked.cluster)) ?? s);
  for (const other of all.filter((o) => sameCluster(forked, o))) {
    for (const s of commandSteps(other)) {
      if (!holdsCredentials(s.job) || (other === forked && stepRunsForForks(s.job, forked.pipeline))) continue;
      const queue = queueOf(s.job, other.cluster);
      const by = reached.get(queue);
      if (!by) continue;
      add({
        rule: "buildkite-fork-builds-deploy-queue",
        severity: assumesIdentity(s.job) ? "critical" : "high",
        message:
          `Pull requests from forks are built by ${forked.pipeline.slug} on the "${queue}" queue of ${clusterName(forked)} (step "${by.job.id}" of ${where(forked, by)}), ` +
          `where step "${s.job.id}" of ${where(other, s)} runs with ${heldBy(s.job)}: a fork's code runs on the agents that hold these credentials and can leave hooks or read them. ` +
          `Build forks on a queue whose agents hold nothing (better, a cluster of their own), or turn off "Build pull requests from third-party forked repositories" on ${forked.pipeline.slug}.`,
        resource: resourceOf(other),
        repo: other.repo,
        workflowPath: s.path,
        jobKey: s.job.id,
      });
    }
  }
}

/** `buildkite-fork-builds-secrets`: credential-named pipeline variables, cluster secrets whose policy admits fork builds, steps holding credentials that run for forks where the file cannot tell. */
function forkSecrets(j: JoinedBuildkitePipeline, add: (f: PipelineSourceFinding) => void): void {
  const base = { rule: "buildkite-fork-builds-secrets", resource: resourceOf(j), repo: j.repo } as const;
  const named = j.pipeline.envNames.filter(isCredentialName);
  if (named.length > 0) {
    add({ ...base, severity: "high", workflowPath: null, jobKey: null, message: `${j.pipeline.slug} builds pull requests from forks and sets ${named.join(", ")} for every build: a fork's code reads them. Move them to cluster secrets with a policy naming the branches that may read them, or stop building forks.` });
  }
  for (const secret of j.cluster?.secrets ?? []) {
    if (!policyAdmitsForks(secret.policy, j.pipeline)) continue;
    const why = secret.policy === null ? "has no access policy, so every pipeline of the cluster reads it" : `has a policy that lets ${j.pipeline.slug} read it on any branch`;
    add({ ...base, severity: "high", workflowPath: null, jobKey: null, message: `The cluster secret ${secret.key} of ${clusterName(j)} ${why}, and ${j.pipeline.slug} builds pull requests from forks: a fork's step can run \`buildkite-agent secret get ${secret.key}\`. Add a policy rule with \`build_branch\` set to the branches that need it (\`main\`).` });
  }
  // Steps whose condition names pull requests are the analyser's buildkite-secrets-untrusted-step already.
  for (const s of commandSteps(j)) {
    if (s.job.runsUntrustedCode || !holdsCredentials(s.job) || !stepRunsForForks(s.job, j.pipeline)) continue;
    add({ ...base, severity: assumesIdentity(s.job) ? "critical" : "high", workflowPath: s.path, jobKey: s.job.id, message: `Step "${s.job.id}" of ${where(j, s)} runs with ${heldBy(s.job)} and nothing keeps it out of fork builds, which ${j.pipeline.slug} makes: add \`if: build.pull_request.repository.fork != true\` (or \`branches: main\`) to the step.` });
  }
}

/** `buildkite-stored-steps-upload-from-fork`: the stored steps upload the checkout's pipeline, so a fork's file decides every later step. */
function uploadFromFork(j: JoinedBuildkitePipeline, all: JoinedBuildkitePipeline[], add: (f: PipelineSourceFinding) => void): void {
  const upload = j.steps.find((s) => s.path === null && s.job.uploadsPipeline && stepRunsForForks(s.job, j.pipeline));
  if (!upload) return;
  const credentialQueues = [...new Set(all.filter((o) => sameCluster(j, o)).flatMap((o) => commandSteps(o).filter((s) => holdsCredentials(s.job)).map((s) => queueOf(s.job, o.cluster))))].sort();
  add({
    rule: "buildkite-stored-steps-upload-from-fork",
    severity: credentialQueues.length > 0 ? "critical" : "high",
    message:
      `The stored steps of ${j.pipeline.slug} run \`buildkite-agent pipeline upload\` and it builds pull requests from forks: the fork's ${j.uploadPath ?? "pipeline file"} decides the steps, their queues and plugins` +
      (credentialQueues.length > 0 ? ` — it can name the ${credentialQueues.map((q) => `"${q}"`).join(", ")} queue${credentialQueues.length > 1 ? "s" : ""} of ${clusterName(j)}, where steps hold credentials` : "") +
      `. For forks, upload the default branch's file (\`git show origin/${j.pipeline.defaultBranch ?? "main"}:${j.uploadPath ?? ".buildkite/pipeline.yml"} | buildkite-agent pipeline upload\`) or stop building forks.`,
    resource: resourceOf(j),
    repo: j.repo,
    workflowPath: j.uploadPath,
    jobKey: upload.job.id,
  });
}

/** `buildkite-agent-token-unrestricted`: an agent token usable from anywhere, forever. */
function agentTokens(read: BuildkiteOrgRead, joined: JoinedBuildkitePipeline[], add: (f: PipelineSourceFinding) => void): void {
  for (const cluster of read.clusters) {
    const credentialQueues = [...new Set(joined.filter((j) => j.cluster?.id === cluster.id).flatMap((j) => commandSteps(j).filter((s) => holdsCredentials(s.job)).map((s) => queueOf(s.job, j.cluster))))].sort();
    for (const t of cluster.agentTokens) {
      if (t.allowedIpAddresses.length > 0 || t.expiresAt !== null) continue;
      add({
        rule: "buildkite-agent-token-unrestricted",
        severity: credentialQueues.length > 0 ? "medium" : "low",
        message:
          `The agent token "${t.description}" of cluster ${cluster.name} has no allowed IP addresses and no expiry: anyone holding it can register an agent` +
          (credentialQueues.length > 0 ? ` on the ${credentialQueues.map((q) => `"${q}"`).join(", ")} queue${credentialQueues.length > 1 ? "s" : ""} and be handed the steps that hold credentials` : " in the cluster and be handed its jobs") +
          `. Create a token with allowed IP addresses (the agents' networks) and an expiry, move the agents to it and revoke this one.`,
        resource: `agent token "${t.description}" of cluster ${cluster.name}`,
        repo: null,
        workflowPath: null,
        jobKey: null,
      });
    }
  }
}

export function buildkiteFindings(read: BuildkiteOrgRead, joined: JoinedBuildkitePipeline[]): PipelineSourceFinding[] {
  const out: PipelineSourceFinding[] = [];
  const add = (f: PipelineSourceFinding) => out.push(f);
  for (const j of joined) {
    if (!buildsForks(j.pipeline)) continue;
    forkDeployQueue(j, joined, add);
    forkSecrets(j, add);
    uploadFromFork(j, joined, add);
  }
  agentTokens(read, joined, add);
  return out;
}
