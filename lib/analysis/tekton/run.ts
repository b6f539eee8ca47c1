import type { SecretRef } from "../types";
import { getIn, itemsOf, scalarText } from "../yaml-docs";
import type { ServiceAccount } from "./credentials";
import { EMPTY_SCOPE, givenParams, type ParamScope } from "./params";
import type { Resource } from "./read";
import { annotationRefs, type AnnotationRef } from "./refs";
import { podVolumes, workspaceSecrets } from "./task";
import { PAC, type RunTriggers } from "./triggers";

// What a PipelineRun or TaskRun gives every task it runs: its service accounts, the secrets bound
// to its workspaces, the volumes of its pod template, its params and Pipelines-as-Code annotations.

export interface RunContext {
  run: Resource;
  triggers: RunTriggers;
  /** The account every task runs as unless `taskRunSpecs` says otherwise. */
  serviceAccount: ServiceAccount;
  /** Per pipeline task (`taskRunSpecs[].serviceAccountName`). */
  taskAccounts: Map<string, ServiceAccount>;
  /** Run workspace name → the secrets bound to it (lines in the run's file). */
  workspaces: Map<string, Array<{ name: string; line: number }>>;
  /** Secrets every task's pod mounts through the run's pod template. */
  podSecrets: SecretRef[];
  /** Audiences of service-account tokens the pod template projects into every task. */
  podAudiences: Array<{ audience: string; line: number }>;
  scope: ParamScope;
  /** Pipelines-as-Code remote task/pipeline annotations. */
  annotations: AnnotationRef[];
}

/**
 * The run's namespace: `metadata.namespace`, else Pipelines-as-Code's `target-namespace`
 * annotation (the namespace of the Repository it must match).
 */
function namespaceOf(run: Resource): string | null {
  return run.namespace ?? run.annotations.get(`${PAC}target-namespace`)?.value ?? null;
}

function account(run: Resource, raw: string | null, line: number, implicit: boolean): ServiceAccount {
  const name = raw ?? "default";
  const namespace = namespaceOf(run);
  const id = namespace !== null && !name.includes("/") ? `${namespace}/${name}` : name;
  return { id, line, implicit, symbolic: name.includes("$(") };
}

export function runContext(run: Resource, triggers: RunTriggers): RunContext {
  const { doc, spec } = run;
  const template = getIn(doc, spec, "taskRunTemplate");
  const saNode = getIn(doc, template, "serviceAccountName") ?? getIn(doc, spec, "serviceAccountName");
  const sa = scalarText(doc, saNode);
  const serviceAccount = account(run, sa, sa === null ? run.line : doc.lineOf(saNode), sa === null);
  const taskAccounts = new Map<string, ServiceAccount>();
  for (const ts of [...itemsOf(doc, getIn(doc, spec, "taskRunSpecs")), ...itemsOf(doc, getIn(doc, spec, "serviceAccountNames"))]) {
    const task = scalarText(doc, getIn(doc, ts, "pipelineTaskName")) ?? scalarText(doc, getIn(doc, ts, "taskName"));
    const node = getIn(doc, ts, "serviceAccountName") ?? getIn(doc, ts, "taskServiceAccountName");
    const name = scalarText(doc, node);
    if (task !== null && name !== null) taskAccounts.set(task, account(run, name, doc.lineOf(node), false));
  }
  const workspaces = new Map<string, Array<{ name: string; line: number }>>();
  for (const ws of itemsOf(doc, getIn(doc, spec, "workspaces"))) {
    const name = scalarText(doc, getIn(doc, ws, "name"));
    const secrets = workspaceSecrets(doc, ws);
    if (name !== null && secrets.length > 0) workspaces.set(name, secrets);
  }
  const annotations: AnnotationRef[] = [];
  for (const [key, a] of run.annotations) {
    if (!key.startsWith(PAC)) continue;
    const k = key.slice(PAC.length);
    if (k === "pipeline" || k === "task" || /^task-\d+$/.test(k)) annotations.push(...annotationRefs(a.value, a.line));
  }
  const scope = givenParams(doc, getIn(doc, spec, "params"), EMPTY_SCOPE);
  // v1: taskRunTemplate.podTemplate; v1beta1: spec.podTemplate.
  const pod = podVolumes({ doc, path: null }, getIn(doc, getIn(doc, template, "podTemplate") ?? getIn(doc, spec, "podTemplate"), "volumes"), scope);
  return { run, triggers, serviceAccount, taskAccounts, workspaces, podSecrets: pod.secrets, podAudiences: pod.audiences, scope, annotations };
}
