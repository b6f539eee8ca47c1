import type { TriggerFilter, WorkflowModel } from "../types";
import { getIn } from "../yaml-docs";
import { definitionJob, opaqueRunJob, pipelineJobs, taskRunJob, type JobBuilder, type TektonJob } from "./jobs";
import type { Resource, TektonFile } from "./read";
import { readRef } from "./refs";
import type { TektonRepository } from "./repository";
import { runContext, type RunContext } from "./run";
import { runTriggers } from "./triggers";

// One Tekton file → one WorkflowModel (system "tekton"). Its units, in order: each run
// (PipelineRun, TaskRun, a TriggerTemplate's runs) with its tasks; each Pipeline no run of the
// file uses; each Task or StepAction nothing in the file uses. A file with none of them (a
// Repository CRD, a Lighthouse TriggerConfig, an EventListener) has no model, only findings.

/** The kinds a model's units come from (a Repository, a TriggerConfig or a listener alone makes none). */
const UNIT_KINDS: ReadonlySet<Resource["kind"]> = new Set(["PipelineRun", "TaskRun", "Pipeline", "Task", "StepAction"]);

export interface RunFacts {
  context: RunContext;
  jobs: TektonJob[];
}

export interface TektonFileFacts {
  model: WorkflowModel | null;
  runs: RunFacts[];
  jobs: TektonJob[];
  /** Pipelines-as-Code Repository CRDs written in the file. */
  repositories: Resource[];
}

interface Unit {
  name: string;
  jobs: TektonJob[];
  /** A run's or a pipeline's tasks (not a lone Task or StepAction). */
  tasks: boolean;
}

function pipelineRunJobs(b: JobBuilder, file: TektonFile, ctx: RunContext): TektonJob[] {
  const { run } = ctx;
  const { doc, spec } = run;
  const inline = getIn(doc, spec, "pipelineSpec");
  if (inline !== undefined) return pipelineJobs(b, { doc, path: null }, inline, ctx, run.line);
  const refNode = getIn(doc, spec, "pipelineRef");
  const ref = readRef(doc, refNode, ctx.scope);
  const line = refNode !== undefined ? doc.lineOf(refNode) : run.line;
  if (ref?.type === "name") {
    const paths = ctx.annotations.flatMap((a) => (a.path !== undefined ? [a.path] : []));
    const def = b.repo.find("Pipeline", ref.name, file.path, paths);
    if (def !== null) {
      if (def.path === file.path) b.used.add(def.resource);
      return pipelineJobs(b, { doc: def.resource.doc, path: def.path === file.path ? null : def.path }, def.resource.spec, ctx, line);
    }
    const remote = ctx.annotations.find((a) => a.path === undefined && (a.name === ref.name || ctx.annotations.length === 1));
    if (remote !== undefined) return [opaqueRunJob(ctx, ref.name, { uses: remote.uses, pinned: remote.pinned, line: remote.line }, remote.uses, line)];
    return [opaqueRunJob(ctx, ref.name, { uses: `cluster:${ref.name}`, pinned: false, line: ref.line }, `cluster:${ref.name}`, line)];
  }
  if (ref?.type === "remote") return [opaqueRunJob(ctx, ref.name ?? "pipeline", { uses: ref.uses, pinned: ref.pinned, line: ref.line }, ref.uses, line)];
  return [opaqueRunJob(ctx, "pipeline", null, ref?.uses ?? "none", line)];
}

function mergeFilters(runs: RunFacts[]): Record<string, TriggerFilter> | undefined {
  const out: Record<string, TriggerFilter> = {};
  const unfiltered = new Set<string>();
  for (const { context } of runs) {
    for (const t of context.triggers.triggers) {
      const f = context.triggers.filters[t];
      if (f === undefined) unfiltered.add(t);
      else if (!unfiltered.has(t)) {
        const prev = out[t];
        const merge = (a?: string[], b?: string[]) => (a === undefined && b === undefined ? undefined : [...new Set([...(a ?? []), ...(b ?? [])])]);
        const branches = merge(prev?.branches, f.branches);
        const tags = merge(prev?.tags, f.tags);
        const ignore = merge(prev?.branchesIgnore, f.branchesIgnore);
        out[t] = { ...(branches ? { branches } : {}), ...(tags ? { tags } : {}), ...(ignore ? { branchesIgnore: ignore } : {}) };
      }
    }
  }
  for (const t of unfiltered) delete out[t];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Job ids unique in the model: a run's or pipeline's task ids get its name in front when the file has several. */
function assignIds(units: Unit[]): TektonJob[] {
  const prefix = units.filter((u) => u.tasks).length > 1;
  const seen = new Map<string, number>();
  const out: TektonJob[] = [];
  for (const u of units) {
    for (const j of u.jobs) {
      let id = prefix && u.tasks ? `${u.name}/${j.model.id}` : j.model.id;
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      if (n > 1) id = `${id}#${n}`;
      j.model.id = id;
      out.push(j);
    }
  }
  return out;
}

export function buildTektonModel(file: TektonFile, repo: TektonRepository): TektonFileFacts {
  const b: JobBuilder = { repo, path: file.path, used: new Set() };
  const units: Unit[] = [];
  const runs: RunFacts[] = [];
  for (const r of file.resources) {
    if (r.kind !== "PipelineRun" && r.kind !== "TaskRun") continue;
    const context = runContext(r, runTriggers(r, repo.lighthouse(file.path), repo.templateTriggers(r.template)));
    const jobs = r.kind === "PipelineRun" ? pipelineRunJobs(b, file, context) : [taskRunJob(b, context)];
    runs.push({ context, jobs });
    // A TriggerTemplate's run is often named from its params (`$(tt.params.id)-build`): the template's name reads better.
    const name = r.template !== undefined && (r.name === null || r.name.includes("$(")) ? r.template : (r.name ?? r.template ?? r.kind.toLowerCase());
    units.push({ name, jobs, tasks: true });
  }
  for (const r of file.resources) {
    if (r.kind !== "Pipeline" || b.used.has(r)) continue;
    units.push({ name: r.name ?? "pipeline", jobs: pipelineJobs(b, { doc: r.doc, path: null }, r.spec, null, r.line), tasks: true });
  }
  // Definitions a run or pipeline of the file used were marked while its jobs were built; Tasks
  // before StepActions, since a Task's steps may use a StepAction of the file.
  for (const kind of ["Task", "StepAction"] as const) {
    for (const r of file.resources) {
      if (r.kind !== kind || b.used.has(r)) continue;
      const job = definitionJob(b, r);
      units.push({ name: job.model.id, jobs: [job], tasks: false });
    }
  }
  const jobs = assignIds(units);
  const repositories = file.resources.filter((r) => r.kind === "Repository");
  if (units.length === 0) return { model: null, runs, jobs, repositories };
  const triggers = [...new Set(runs.flatMap((r) => r.context.triggers.triggers))];
  const filters = mergeFilters(runs);
  const first = file.resources.find((r) => UNIT_KINDS.has(r.kind));
  const model: WorkflowModel = {
    system: "tekton",
    root: "",
    path: "",
    name: first?.template ?? first?.name ?? units[0]?.name ?? null,
    triggers,
    ...(filters !== undefined ? { triggerFilters: filters } : {}),
    untrustedTriggers: [...new Set(runs.flatMap((r) => r.context.triggers.untrusted))],
    jobs: jobs.map((j) => j.model),
    warnings: [...file.warnings],
  };
  return { model, runs, jobs, repositories };
}
