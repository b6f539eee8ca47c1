import "server-only";
import { calls, type ApiCall, type RunQuery, type SecretTarget, type WorkflowRef } from "./calls";
import type { SecretWrite } from "./ops-secrets";
import type { ResponderStep } from "./steps";

// Dry runs and manual mode. plannedCalls lists the calls a step would make, built by the same
// functions the session sends (calls.ts), in the session's order; a call that depends on what
// GitHub answers says when in `when`. A secret's body shows where the sealed value goes, never a
// value. manualCommand turns a call into the `gh` command a human runs without a responder App.

export interface PlannedCall extends ApiCall {
  /** the condition under which the session makes this call; absent = always */
  when?: string;
}

interface RepoTarget {
  owner: string;
  repo: string;
}

/** What one item of each step acts on. */
export interface StepTargets {
  "list-runs": RepoTarget & RunQuery;
  "disable-workflows": RepoTarget & { workflowId: WorkflowRef };
  "enable-workflows": RepoTarget & { workflowId: WorkflowRef };
  "cancel-runs": RepoTarget & { runId: number; forceAfterMs?: number };
  "delete-caches": RepoTarget & ({ cacheId: number } | { key: string; ref?: string });
  "delete-artifacts": RepoTarget & { artifactId: number };
  "delete-run-logs": RepoTarget & { runId: number };
  "delete-deploy-keys": RepoTarget & { keyId: number };
  /** the secret's place, never its value */
  "write-secrets": Omit<SecretWrite, "value">;
  "list-releases": RepoTarget & { since: Date };
}

const SEALED_PLACEHOLDER = "<the new value, sealed on the server with this scope's public key>";

function secretPlan(t: StepTargets["write-secrets"]): PlannedCall[] {
  const target: SecretTarget = { scope: t.scope, owner: t.owner, repo: t.repo, environment: t.environment, name: t.name };
  const plan: PlannedCall[] = [];
  const extra: Record<string, unknown> = {};
  if (t.scope === "organization") {
    if (t.visibility === undefined || (t.visibility === "selected" && t.selectedRepositoryIds === undefined)) {
      plan.push({ ...calls.getOrgSecret(t.owner, t.name), when: "to keep its current visibility" });
    }
    if (t.selectedRepositoryIds === undefined && t.visibility !== "all" && t.visibility !== "private") {
      plan.push({ ...calls.orgSecretRepositories(t.owner, t.name), when: "if its visibility is selected: to keep its repositories" });
    }
    extra.visibility = t.visibility ?? "<its current visibility>";
    if (t.selectedRepositoryIds !== undefined) extra.selected_repository_ids = t.selectedRepositoryIds;
  }
  plan.push(calls.secretPublicKey(target));
  plan.push(calls.putSecret(target, { encrypted_value: SEALED_PLACEHOLDER, key_id: "<key_id of that public key>", ...extra }));
  return plan;
}

function callsFor<S extends ResponderStep>(step: S, target: StepTargets[S]): PlannedCall[] {
  const t = target as StepTargets[ResponderStep] & RepoTarget;
  switch (step) {
    case "list-runs": {
      const q = target as StepTargets["list-runs"];
      return [{ ...calls.listRuns(q.owner, q.repo, q), when: "every page" }];
    }
    case "disable-workflows":
    case "enable-workflows": {
      const { workflowId } = target as StepTargets["disable-workflows"];
      const disable = step === "disable-workflows";
      return [
        calls.getWorkflow(t.owner, t.repo, workflowId),
        disable
          ? { ...calls.disableWorkflow(t.owner, t.repo, workflowId), when: "unless it is already disabled_manually" }
          : { ...calls.enableWorkflow(t.owner, t.repo, workflowId), when: "unless it is already active" },
      ];
    }
    case "cancel-runs": {
      const { runId, forceAfterMs = 30_000 } = target as StepTargets["cancel-runs"];
      return [
        calls.cancelRun(t.owner, t.repo, runId),
        { ...calls.getRun(t.owner, t.repo, runId), when: `unless the cancel answered 409 (already completed): until it completes, for up to ${forceAfterMs / 1000} s` },
        { ...calls.forceCancelRun(t.owner, t.repo, runId), when: `if it is still running ${forceAfterMs / 1000} s after the cancel` },
      ];
    }
    case "delete-caches": {
      const c = target as StepTargets["delete-caches"];
      return ["cacheId" in c ? calls.deleteCache(c.owner, c.repo, c.cacheId) : calls.deleteCachesByKey(c.owner, c.repo, c.key, c.ref)];
    }
    case "delete-artifacts":
      return [calls.deleteArtifact(t.owner, t.repo, (target as StepTargets["delete-artifacts"]).artifactId)];
    case "delete-run-logs":
      return [calls.deleteRunLogs(t.owner, t.repo, (target as StepTargets["delete-run-logs"]).runId)];
    case "delete-deploy-keys":
      return [calls.deleteDeployKey(t.owner, t.repo, (target as StepTargets["delete-deploy-keys"]).keyId)];
    case "write-secrets":
      return secretPlan(target as StepTargets["write-secrets"]);
    case "list-releases":
      return [{ ...calls.listReleases(t.owner, t.repo), when: `pages until one ends with a release created before ${(target as StepTargets["list-releases"]).since.toISOString()}` }];
  }
  throw new Error(`unknown responder step ${String(step)}`);
}

/** The exact calls `step` makes for these targets, in order. */
export function plannedCalls<S extends ResponderStep>(step: S, targets: readonly StepTargets[S][]): PlannedCall[] {
  return targets.flatMap((target) => callsFor(step, target));
}

/** POSIX shell quoting: bare when safe, else single quotes. */
function quote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function fieldFlags(body: Readonly<Record<string, unknown>>): string[] {
  const flags: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) for (const item of value) flags.push("-F", quote(`${name}[]=${String(item)}`));
    else if (typeof value === "string") flags.push("-f", quote(`${name}=${value}`));
    else flags.push("-F", quote(`${name}=${String(value)}`));
  }
  return flags;
}

/** `gh secret set` seals the value itself and prompts for it, so the value is never on a command line. */
function secretCommand(call: ApiCall): string | null {
  const segs = call.path.split("?")[0]!.split("/").filter(Boolean).map(decodeURIComponent);
  const name = segs[segs.length - 1]!;
  if (segs[0] === "orgs" && segs[2] === "actions" && segs[3] === "secrets") {
    const org = segs[1]!;
    const visibility = typeof call.body?.visibility === "string" && !call.body.visibility.startsWith("<") ? call.body.visibility : null;
    const ids = Array.isArray(call.body?.selected_repository_ids) ? (call.body.selected_repository_ids as unknown[]) : null;
    const set = ["gh", "secret", "set", quote(name), "--org", quote(org), ...(visibility ? ["--visibility", visibility] : [])];
    if (visibility !== "selected" || !ids) return set.join(" ");
    const repos = ["gh", "api", "-X", "PUT", quote(`orgs/${org}/actions/secrets/${name}/repositories`), ...fieldFlags({ selected_repository_ids: ids })];
    return `${[...set, "--no-repos-selected"].join(" ")} && ${repos.join(" ")}`;
  }
  if (segs[0] !== "repos") return null;
  const repo = quote(`${segs[1]}/${segs[2]}`);
  if (segs[3] === "actions" && segs[4] === "secrets") return ["gh", "secret", "set", quote(name), "--repo", repo].join(" ");
  if (segs[3] === "environments" && segs[5] === "secrets") return ["gh", "secret", "set", quote(name), "--env", quote(segs[4]!), "--repo", repo].join(" ");
  return null;
}

/** The command a human runs for one call, e.g. `gh api -X PUT repos/acme/api/actions/workflows/123/disable`. */
export function manualCommand(call: ApiCall): string {
  if (call.method === "PUT" && call.body && "encrypted_value" in call.body) {
    const command = secretCommand(call);
    if (command) return command;
  }
  const words = ["gh", "api"];
  if (call.method !== "GET") words.push("-X", call.method);
  else if (/[?&]per_page=/.test(call.path)) words.push("--paginate");
  words.push(quote(call.path.replace(/^\//, "")));
  if (call.body) words.push(...fieldFlags(call.body));
  return words.join(" ");
}
