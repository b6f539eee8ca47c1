import type { Node } from "yaml";
import type { ParseLimits } from "../parse";
import { entriesOf, getIn, itemsOf, parseYamlDocuments, scalarText, YamlTooLarge, type YamlDoc } from "../yaml-docs";

// One Tekton file read into its resources: the `tekton.dev` documents (top level, `List` items,
// a TriggerTemplate's resource templates), Pipelines-as-Code's Repository and Lighthouse's
// TriggerConfig, Tekton Triggers' EventListeners and Triggers (for the wiring to a TriggerTemplate,
// trigger-wiring.ts). Everything else in the file (RBAC, Secrets, bindings) is passed over.

export type ResourceKind = "PipelineRun" | "Pipeline" | "TaskRun" | "Task" | "StepAction" | "Repository" | "TriggerConfig" | "EventListener" | "Trigger";

export interface Resource {
  kind: ResourceKind;
  /** `metadata.name`, else `metadata.generateName`; null when neither is a string. */
  name: string | null;
  namespace: string | null;
  /** 1-based line of the resource's first key. */
  line: number;
  doc: YamlDoc;
  node: Node;
  spec: Node | undefined;
  /** Scalar annotations and labels with their lines. */
  annotations: Map<string, { value: string; line: number }>;
  labels: Map<string, { value: string; line: number }>;
  /** The TriggerTemplate this run is a resource template of. */
  template?: string;
}

export interface TektonFile {
  path: string;
  resources: Resource[];
  warnings: string[];
}

export type ReadOutcome = { ok: true; file: TektonFile } | { ok: false; message: string };

const TEKTON_KINDS: Record<string, ResourceKind> = {
  PipelineRun: "PipelineRun",
  Pipeline: "Pipeline",
  TaskRun: "TaskRun",
  Task: "Task",
  ClusterTask: "Task",
  StepAction: "StepAction",
};

function group(apiVersion: string | null): string {
  if (apiVersion === null) return "";
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

function scalarMap(doc: YamlDoc, node: Node | undefined): Map<string, { value: string; line: number }> {
  const out = new Map<string, { value: string; line: number }>();
  for (const [key, value] of entriesOf(doc, node)) {
    const text = scalarText(doc, value);
    if (text !== null) out.set(key, { value: text, line: doc.lineOf(value) });
  }
  return out;
}

function resource(doc: YamlDoc, node: Node, kind: ResourceKind, template?: string): Resource {
  const metadata = getIn(doc, node, "metadata");
  return {
    kind,
    // `generateName: build-` names runs build-x7k2p: the prefix, without its dash, is the name.
    name: scalarText(doc, getIn(doc, metadata, "name")) ?? scalarText(doc, getIn(doc, metadata, "generateName"))?.replace(/-$/, "") ?? null,
    namespace: scalarText(doc, getIn(doc, metadata, "namespace")),
    line: doc.lineOf(node),
    doc,
    node,
    spec: getIn(doc, node, "spec"),
    annotations: scalarMap(doc, getIn(doc, metadata, "annotations")),
    labels: scalarMap(doc, getIn(doc, metadata, "labels")),
    ...(template !== undefined ? { template } : {}),
  };
}

/** The resources of one document (a List's items and a TriggerTemplate's runs one level down). */
function resourcesOf(doc: YamlDoc, node: Node | null, out: Resource[], depth = 0): void {
  if (node === null || depth > 2) return;
  const kind = scalarText(doc, getIn(doc, node, "kind"));
  const api = group(scalarText(doc, getIn(doc, node, "apiVersion")));
  if (kind === null) return;
  if (api === "tekton.dev" && TEKTON_KINDS[kind] !== undefined) out.push(resource(doc, node, TEKTON_KINDS[kind]));
  else if (api === "pipelinesascode.tekton.dev" && kind === "Repository") out.push(resource(doc, node, "Repository"));
  else if (api === "config.lighthouse.jenkins-x.io" && kind === "TriggerConfig") out.push(resource(doc, node, "TriggerConfig"));
  else if (api === "triggers.tekton.dev" && (kind === "EventListener" || kind === "Trigger")) out.push(resource(doc, node, kind));
  else if (kind === "List") for (const item of itemsOf(doc, getIn(doc, node, "items"))) resourcesOf(doc, item, out, depth + 1);
  else if (api === "triggers.tekton.dev" && kind === "TriggerTemplate") {
    const name = scalarText(doc, getIn(doc, getIn(doc, node, "metadata"), "name")) ?? "trigger-template";
    for (const item of itemsOf(doc, getIn(doc, getIn(doc, node, "spec"), "resourcetemplates"))) {
      const k = scalarText(doc, getIn(doc, item, "kind"));
      if ((k === "PipelineRun" || k === "TaskRun") && group(scalarText(doc, getIn(doc, item, "apiVersion"))) === "tekton.dev") out.push(resource(doc, item, k, name));
    }
  }
}

/** Reads a screened file. Invalid YAML or an alias bomb refuses it, with a sentence that says why. */
export function readTektonFile(path: string, text: string, limits: ParseLimits): ReadOutcome {
  const parsed = parseYamlDocuments(text, limits.maxNodes);
  if (!parsed.ok) return parsed;
  const resources: Resource[] = [];
  try {
    for (const doc of parsed.docs) resourcesOf(doc, doc.root, resources);
  } catch (e) {
    if (e instanceof YamlTooLarge) return { ok: false, message: e.message };
    throw e;
  }
  return { ok: true, file: { path, resources, warnings: parsed.warnings } };
}
