import type { Node } from "yaml";
import type { JobModel, SecretRef, UsesRef } from "../types";
import { getIn, itemsOf, scalarText } from "../yaml-docs";
import { jobCredentials, type JobCredentialsOut, type ServiceAccount } from "./credentials";
import { declaredScope, EMPTY_SCOPE, givenParams, type ParamScope } from "./params";
import type { Resource } from "./read";
import { readRef, type AnnotationRef } from "./refs";
import type { TektonRepository } from "./repository";
import type { RunContext } from "./run";
import { isTokenParam, readStepAction, readTask, type Site, type StepActionLookup, type TaskFacts } from "./task";

// Pipeline tasks as jobs. A PipelineRun's tasks (inline pipelineSpec, or the Pipeline its
// pipelineRef names, found in the repository) each become a job, with the run's service account,
// the secrets the run binds to the workspaces the task uses, and what the task's definition holds
// (inline taskSpec, a Task of the repository, or nothing readable for a remote or cluster Task).
// A run whose Pipeline is remote or only in the cluster gets one job standing for it.

export interface TektonJob {
  model: JobModel;
  activity: JobCredentialsOut["activity"];
  facts: TaskFacts | null;
  /** The account the task runs as (null for a Pipeline or Task with no run in the file). */
  account: ServiceAccount | null;
}

const IMAGE_PARAM = /^(image|image[-_]?url|output[-_]?image|destination|image[-_]?registry|container[-_]?registry)$/i;

export interface JobBuilder {
  repo: TektonRepository;
  /** The model's own file. */
  path: string;
  /** Definitions of this file that a run or pipeline of it uses (not modelled on their own). */
  used: Set<Resource>;
}

function siteOf(b: JobBuilder, resource: Resource, path: string): Site {
  if (path === b.path) b.used.add(resource);
  return { doc: resource.doc, path: path === b.path ? null : path };
}

function stepActions(b: JobBuilder, from: string): StepActionLookup {
  return (name) => {
    const def = b.repo.find("StepAction", name, from);
    return def === null ? null : { site: siteOf(b, def.resource, def.path), spec: def.resource.spec };
  };
}

interface JobParts {
  id: string;
  name: string | null;
  line: number;
  facts: TaskFacts | null;
  secrets: SecretRef[];
  uses: UsesRef[];
  taskRef: string;
  definedIn: string | null;
  names: string[];
  imageTargets: Array<{ value: string; line: number }>;
  exportedResults: string[];
  serviceAccount: ServiceAccount | null;
  /** The run around the task, for its pod template; null for a definition on its own. */
  ctx: RunContext | null;
}

function assemble(p: JobParts): TektonJob {
  const secrets = [...p.secrets, ...(p.facts?.secrets ?? []), ...(p.ctx?.podSecrets ?? [])];
  const untrusted = p.ctx !== null && p.ctx.triggers.untrusted.length > 0;
  const creds = jobCredentials({
    facts: p.facts,
    secrets,
    serviceAccount: p.serviceAccount,
    podAudiences: p.ctx?.podAudiences ?? [],
    names: p.names,
    imageTargets: p.imageTargets,
    exportedResults: p.exportedResults,
    line: p.line,
  });
  const model: JobModel = {
    id: p.id,
    name: p.name,
    line: p.line,
    permissions: null,
    permissionsSource: "default",
    githubToken: false,
    idToken: creds.idToken,
    environment: null,
    runsOn: [],
    selfHosted: true,
    secrets,
    vars: p.facts?.vars ?? [],
    identities: creds.identities,
    systems: creds.systems,
    phase: untrusted ? "build-untrusted" : creds.activity,
    runsUntrustedCode: untrusted,
    uses: [...p.uses, ...(p.facts?.uses ?? [])],
    calls: null,
    ...(p.serviceAccount !== null ? { serviceAccount: p.serviceAccount.id } : {}),
    taskRef: p.taskRef,
    ...(p.definedIn !== null ? { definedIn: p.definedIn } : {}),
  };
  return { model, activity: creds.activity, facts: p.facts, account: p.serviceAccount };
}

/** A task spec reached from a pipeline task or a TaskRun: inline, in the repository, remote or in the cluster. */
function resolveTask(
  b: JobBuilder,
  site: Site,
  holder: Node | undefined,
  scope: ParamScope,
  given: ReadonlyMap<string, string>,
  annotations: AnnotationRef[],
): { facts: TaskFacts | null; uses: UsesRef[]; taskRef: string; definedIn: string | null; refName: string | null } {
  const { doc } = site;
  const from = site.path ?? b.path;
  const at = site.path !== null ? { action: site.path } : {};
  const inline = getIn(doc, holder, "taskSpec");
  if (inline !== undefined) {
    return { facts: readTask(site, inline, given, stepActions(b, from)), uses: [], taskRef: "inline", definedIn: site.path, refName: null };
  }
  const ref = readRef(doc, getIn(doc, holder, "taskRef"), scope);
  if (ref === null) return { facts: null, uses: [], taskRef: "none", definedIn: null, refName: null };
  if (ref.type === "custom") return { facts: null, uses: [], taskRef: ref.uses, definedIn: null, refName: null };
  if (ref.type === "remote") {
    return { facts: null, uses: [{ uses: ref.uses, pinned: ref.pinned, line: ref.line, ...at }], taskRef: ref.uses, definedIn: null, refName: ref.name };
  }
  const def = b.repo.find("Task", ref.name, from, annotations.flatMap((a) => (a.path !== undefined ? [a.path] : [])));
  if (def !== null) {
    const taskSite = siteOf(b, def.resource, def.path);
    return { facts: readTask(taskSite, def.resource.spec, given, stepActions(b, def.path)), uses: [], taskRef: ref.name, definedIn: taskSite.path, refName: ref.name };
  }
  const remote = annotations.find((a) => a.path === undefined && a.name === ref.name);
  if (remote !== undefined) return { facts: null, uses: [{ uses: remote.uses, pinned: remote.pinned, line: remote.line }], taskRef: remote.uses, definedIn: null, refName: ref.name };
  return { facts: null, uses: [{ uses: `cluster:${ref.name}`, pinned: false, line: ref.line, ...at }], taskRef: `cluster:${ref.name}`, definedIn: null, refName: ref.name };
}

/** Secrets of the run's workspaces that a task gets: bound by name, or used by an inline spec. */
function boundSecrets(ctx: RunContext | null, bindings: Array<{ workspace: string }>, facts: TaskFacts | null, inline: boolean): SecretRef[] {
  if (ctx === null) return [];
  const out: SecretRef[] = [];
  const names = new Set(bindings.map((w) => w.workspace));
  if (inline && facts !== null) {
    const text = facts.steps.flatMap((s) => [s.run?.text ?? "", ...Object.values(s.env).map((v) => v.text)]).join("\n");
    for (const ws of ctx.workspaces.keys()) if (text.includes(`workspaces.${ws}.`)) names.add(ws);
  }
  for (const ws of names) for (const s of ctx.workspaces.get(ws) ?? []) out.push({ name: s.name, via: "workspace", line: s.line });
  return out;
}

function tokenParams(facts: TaskFacts | null, given: Map<string, { line: number }>, site: Site): SecretRef[] {
  const declared = facts?.tokenParams ?? [...given].filter(([n]) => isTokenParam(n)).map(([name, g]) => ({ name, line: g.line, ...(site.path !== null ? { action: site.path } : {}) }));
  return declared.map((t) => ({ name: t.name, via: "param" as const, line: t.line, ...(t.action !== undefined ? { action: t.action } : {}) }));
}

function paramLines(site: Site, params: Node | undefined): Map<string, { line: number }> {
  const out = new Map<string, { line: number }>();
  for (const p of itemsOf(site.doc, params)) {
    const name = scalarText(site.doc, getIn(site.doc, p, "name"));
    if (name !== null) out.set(name, { line: site.doc.lineOf(p) });
  }
  return out;
}

/** `$(tasks.<name>.results.<result>)` in a pipeline's results: what the pipeline exports from each task. */
function exportedResults(site: Site, pipelineSpec: Node | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of itemsOf(site.doc, getIn(site.doc, pipelineSpec, "results"))) {
    const value = scalarText(site.doc, getIn(site.doc, r, "value")) ?? "";
    const name = scalarText(site.doc, getIn(site.doc, r, "name"));
    const m = /^\$\(tasks\.([A-Za-z0-9_-]+)\.results\.([A-Za-z0-9_.-]+)\)$/.exec(value.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) out.set(m[1], [...(out.get(m[1]) ?? []), m[2], ...(name !== null ? [name] : [])]);
  }
  return out;
}

/**
 * The jobs of a pipeline spec (inline or from the repository), for a run (`ctx`) or on its own.
 * `refLine` is the line in the model's file that stands for a pipeline written elsewhere.
 */
export function pipelineJobs(b: JobBuilder, site: Site, pipelineSpec: Node | undefined, ctx: RunContext | null, refLine: number): TektonJob[] {
  const { doc } = site;
  const scope = declaredScope(doc, getIn(doc, pipelineSpec, "params"), ctx?.scope ?? EMPTY_SCOPE);
  const exported = exportedResults(site, pipelineSpec);
  const jobs: TektonJob[] = [];
  for (const pt of [...itemsOf(doc, getIn(doc, pipelineSpec, "tasks")), ...itemsOf(doc, getIn(doc, pipelineSpec, "finally"))]) {
    const id = scalarText(doc, getIn(doc, pt, "name"));
    if (id === null) continue;
    const given = givenParams(doc, getIn(doc, pt, "params"), scope);
    const task = resolveTask(b, site, pt, scope, given, ctx?.annotations ?? []);
    const bindings = itemsOf(doc, getIn(doc, pt, "workspaces")).flatMap((w) => {
      const ws = scalarText(doc, getIn(doc, w, "workspace"));
      return ws === null ? [] : [{ workspace: ws }];
    });
    const lines = paramLines(site, getIn(doc, pt, "params"));
    jobs.push(
      assemble({
        id,
        name: scalarText(doc, getIn(doc, pt, "displayName")),
        line: site.path === null ? doc.lineOf(pt) : refLine,
        facts: task.facts,
        secrets: [...boundSecrets(ctx, bindings, task.facts, task.taskRef === "inline"), ...tokenParams(task.facts, lines, site)],
        uses: task.uses,
        taskRef: task.taskRef,
        definedIn: task.definedIn ?? site.path,
        names: [id, ...(task.refName !== null ? [task.refName] : [])],
        imageTargets: [...given].filter(([n]) => IMAGE_PARAM.test(n)).map(([n, value]) => ({ value, line: lines.get(n)?.line ?? refLine })),
        exportedResults: exported.get(id) ?? [],
        serviceAccount: ctx === null ? null : (ctx.taskAccounts.get(id) ?? ctx.serviceAccount),
        ctx,
      }),
    );
  }
  return jobs;
}

/** One job standing for a run whose Pipeline the repository does not hold (remote, or in the cluster). */
export function opaqueRunJob(ctx: RunContext, id: string, uses: UsesRef | null, taskRef: string, line: number): TektonJob {
  const secrets = [...ctx.workspaces.values()].flat().map((s): SecretRef => ({ name: s.name, via: "workspace", line: s.line }));
  const lines = paramLines({ doc: ctx.run.doc, path: null }, getIn(ctx.run.doc, ctx.run.spec, "params"));
  return assemble({
    id,
    name: null,
    line,
    facts: null,
    secrets: [...secrets, ...[...ctx.scope.keys()].filter(isTokenParam).map((name): SecretRef => ({ name, via: "param", line: lines.get(name)?.line ?? line }))],
    uses: uses === null ? [] : [uses],
    taskRef,
    definedIn: null,
    names: [id],
    imageTargets: [...ctx.scope].filter(([n]) => IMAGE_PARAM.test(n)).map(([, value]) => ({ value, line })),
    exportedResults: [],
    serviceAccount: ctx.serviceAccount,
    ctx,
  });
}

/** A TaskRun's one job: its task (inline, in the repository, remote or in the cluster) with the run's account and workspaces. */
export function taskRunJob(b: JobBuilder, ctx: RunContext): TektonJob {
  const { run } = ctx;
  const site: Site = { doc: run.doc, path: null };
  const task = resolveTask(b, site, run.spec, ctx.scope, ctx.scope, ctx.annotations);
  const bindings = [...ctx.workspaces.keys()].map((workspace) => ({ workspace }));
  const id = task.refName ?? run.name ?? "task";
  return assemble({
    id,
    name: null,
    line: run.line,
    facts: task.facts,
    secrets: [...boundSecrets(ctx, bindings, task.facts, false), ...tokenParams(task.facts, paramLines(site, getIn(run.doc, run.spec, "params")), site)],
    uses: task.uses,
    taskRef: task.taskRef,
    definedIn: task.definedIn,
    names: [id],
    imageTargets: [...ctx.scope].filter(([n]) => IMAGE_PARAM.test(n)).map(([, value]) => ({ value, line: run.line })),
    exportedResults: [],
    serviceAccount: ctx.serviceAccount,
    ctx,
  });
}

/** A Task or StepAction of the file that nothing in it uses: one job, no run around it. */
export function definitionJob(b: JobBuilder, resource: Resource): TektonJob {
  const site: Site = { doc: resource.doc, path: null };
  const facts = resource.kind === "StepAction" ? readStepAction(site, resource.spec) : readTask(site, resource.spec, new Map(), stepActions(b, b.path));
  const id = resource.name ?? resource.kind.toLowerCase();
  return assemble({
    id,
    name: null,
    line: resource.line,
    facts,
    secrets: tokenParams(facts, new Map(), site),
    uses: [],
    taskRef: resource.kind === "StepAction" ? "inline" : id,
    definedIn: null,
    names: [id],
    imageTargets: [],
    exportedResults: [],
    serviceAccount: null,
    ctx: null,
  });
}
