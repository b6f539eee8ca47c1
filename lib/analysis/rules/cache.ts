import { cacheUses, type CacheUse } from "../cache-steps";
import { releaseTriggers, type ReleaseTrigger } from "../triggers";
import { get } from "../tree";
import type { JobFacts, WorkflowFacts } from "../workflow-model";
import { credentialSummary, list, type WorkflowRule } from "./support";

// Cache poisoning: entries written by any run on the default branch (a pull_request_target or
// issue_comment job, a compromised dependency or action) are restored by later runs on every
// branch and tag. A publishing job — or a build whose output a publishing job ships — that
// restores one runs what was planted, with the release's credentials downstream.

const isPublisher = (j: JobFacts) => j.model.phase === "publish" || j.model.phase === "deploy";

/**
 * Cache steps that count: one a condition turns off on every release event that starts this
 * publishing is safe. Branch pushes (release branches; the default branch when `branchPushes`
 * publish) are never covered by a tag or release condition.
 */
function relevant(uses: CacheUse[], kinds: Set<ReleaseTrigger>, branchPushes: boolean): CacheUse[] {
  if (kinds.has("release-branch") || (branchPushes && kinds.has("default-branch"))) return uses;
  const events = (["tag-push", "release"] as const).filter((e) => kinds.has(e));
  if (events.length === 0) return uses;
  return uses.filter((u) => !events.every((e) => u.offOn.has(e)));
}

export const cacheInPrivilegedJob: WorkflowRule = (wf, emit) => {
  let kinds: Set<ReleaseTrigger> | undefined;
  for (const j of wf.jobs) {
    if (!isPublisher(j)) continue;
    const uses = cacheUses(j.steps);
    if (uses.length === 0) continue;
    kinds ??= releaseTriggers(get(wf.tree, "on"));
    const hit = relevant(uses, kinds, true)[0];
    if (hit === undefined) continue;
    emit({
      rule: "cache-in-privileged-job",
      line: hit.line,
      job: j.model.id,
      message: `${j.model.phase} job ${j.model.id} restores a build cache (${hit.what}) that pull-request runs can write`,
    });
  }
};

/** Jobs that `needs` reach from the publishing jobs: their output can flow into the release. */
function feeders(wf: WorkflowFacts, publishers: JobFacts[]): Set<string> {
  const byId = new Map(wf.jobs.map((j) => [j.model.id, j]));
  const out = new Set<string>();
  const queue = publishers.flatMap((p) => p.needs);
  while (queue.length > 0) {
    const id = queue.pop() ?? "";
    if (out.has(id)) continue;
    out.add(id);
    queue.push(...(byId.get(id)?.needs ?? []));
  }
  return out;
}

const WHY: Record<ReleaseTrigger, string> = {
  release: "release events",
  "tag-push": "tag pushes",
  "release-branch": "pushes to release branches",
  "default-branch": "pushes to the default branch",
};

const UPLOADS = /^actions\/(upload-artifact|upload-pages-artifact)@/i;

/** The job hands something to later jobs: an artifact or job outputs. */
function handsOn(wf: WorkflowFacts, j: JobFacts): boolean {
  return j.steps.some((s) => s.uses !== null && UPLOADS.test(s.uses)) || get(get(get(wf.tree, "jobs"), j.model.id), "outputs") !== undefined;
}

export const cacheInReleasePipeline: WorkflowRule = (wf, emit) => {
  if (wf.jobs.every((j) => cacheUses(j.steps).length === 0)) return;
  const kinds = releaseTriggers(get(wf.tree, "on"));
  const tagOrRelease = kinds.has("release") || kinds.has("tag-push");
  const publishers = wf.jobs.filter(isPublisher);
  const branchPublish = (kinds.has("release-branch") || kinds.has("default-branch")) && publishers.length > 0;
  if (!tagOrRelease && !branchPublish) return;
  const on = [...kinds].filter((k) => (k === "release" || k === "tag-push" ? tagOrRelease : branchPublish)).map((k) => WHY[k]);
  for (const j of wf.jobs) {
    if (isPublisher(j)) continue;
    const downstream = publishers.filter((p) => feeders(wf, [p]).has(j.model.id));
    const feeds = downstream.length > 0 && handsOn(wf, j);
    // On branch pushes only the builds whose output reaches a publishing job count.
    if (!tagOrRelease && !feeds) continue;
    const hit = relevant(cacheUses(j.steps), kinds, branchPublish)[0];
    if (hit === undefined) continue;
    const creds = credentialSummary(j.model);
    const target = feeds ? `the output job${downstream.length > 1 ? "s" : ""} ${list(downstream.map((p) => p.model.id))} then publish${downstream.length > 1 ? "" : "es"}` : "what this release workflow builds";
    emit({
      rule: "cache-in-release-pipeline",
      severity: feeds || creds.length > 0 ? "medium" : "low",
      line: hit.line,
      job: j.model.id,
      message: `job ${j.model.id} of a workflow run on ${list(on)} restores the Actions cache (${hit.what}, step ${hit.step}), so code planted in that cache by any earlier run on the default branch executes in this build${creds.length > 0 ? ` with ${creds.join("; ")}` : ""} and can tamper with ${target}`,
    });
  }
};
