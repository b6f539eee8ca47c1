import type { Node } from "yaml";
import { getIn, itemsOf, scalarText, type YamlDoc } from "../yaml-docs";
import { isSymbolic, substitute, type ParamScope } from "./params";

// References to Tasks, Pipelines and StepActions: by name (a definition of the repository or of
// the cluster), through a remote resolver (bundles, git, hub, http), or Pipelines-as-Code's
// `pipelinesascode.tekton.dev/task|pipeline` annotations. A remote reference is the supply chain:
// `pinned` when its content cannot change under the same reference.

export type Ref =
  /** `name:` only — a definition of the repository if one is found, else of the cluster. */
  | { type: "name"; name: string; line: number }
  /** Fetched from elsewhere; `uses` is how the model and findings name it. */
  | { type: "remote"; uses: string; pinned: boolean; line: number; name: string | null }
  /** A custom task (`apiVersion` + `kind` of another controller): nothing to read. */
  | { type: "custom"; uses: string; line: number };

const DIGEST = /@sha256:[0-9a-f]{64}$/;
const COMMIT = /^[0-9a-f]{40}$/;
/** Pipelines-as-Code's `{{ revision }}`: the commit SHA of the event, so as fixed as a SHA. */
const PAC_REVISION = /^\{\{\s*revision\s*\}\}$/;

function isCommit(ref: string): boolean {
  return COMMIT.test(ref) || PAC_REVISION.test(ref);
}

/** True when a path segment of the URL is a full commit SHA (raw.githubusercontent.com/o/r/<sha>/…). */
export function urlHasCommit(url: string): boolean {
  return url.split(/[/?#=&]/).some(isCommit);
}

function resolverParams(doc: YamlDoc, ref: Node, scope: ParamScope): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of itemsOf(doc, getIn(doc, ref, "params"))) {
    const name = scalarText(doc, getIn(doc, p, "name"));
    const value = scalarText(doc, getIn(doc, p, "value"));
    if (name !== null && value !== null) out.set(name, substitute(value, scope).trim());
  }
  return out;
}

function gitRef(p: Map<string, string>): { uses: string; pinned: boolean } {
  const repo = p.get("url") ?? [p.get("serverURL"), p.get("org"), p.get("repo")].filter((x) => x !== undefined && x !== "").join("/");
  const path = p.get("pathInRepo") ?? "";
  const revision = p.get("revision");
  const where = `${repo.replace(/\.git$/, "")}${path === "" ? "" : `/${path.replace(/^\//, "")}`}`;
  return { uses: `git:${where}${revision !== undefined && revision !== "" ? `@${revision}` : ""}`, pinned: revision !== undefined && isCommit(revision) };
}

/** A `taskRef`, `pipelineRef` or step `ref` node; null when it names nothing. */
export function readRef(doc: YamlDoc, ref: Node | undefined, scope: ParamScope): Ref | null {
  if (ref === undefined) return null;
  const line = doc.lineOf(ref);
  const field = (key: string) => {
    const v = scalarText(doc, getIn(doc, ref, key));
    return v === null ? null : substitute(v, scope).trim();
  };
  const resolver = field("resolver");
  const name = field("name");
  if (resolver !== null) {
    const p = resolverParams(doc, ref, scope);
    const named = p.get("name") ?? name;
    switch (resolver) {
      case "bundles": {
        const bundle = p.get("bundle") ?? "";
        return { type: "remote", uses: `bundles:${bundle}`, pinned: DIGEST.test(bundle), line, name: named ?? null };
      }
      case "git":
        return { type: "remote", ...gitRef(p), line, name: named ?? nameFromPath(p.get("pathInRepo") ?? "") };
      case "hub": {
        const catalog = p.get("catalog");
        const version = p.get("version");
        return { type: "remote", uses: `hub:${catalog !== undefined && catalog !== "" ? `${catalog}/` : ""}${named ?? "?"}@${version ?? "latest"}`, pinned: false, line, name: named ?? null };
      }
      case "http": {
        const url = p.get("url") ?? "";
        return { type: "remote", uses: url, pinned: !isSymbolic(url) && urlHasCommit(url), line, name: named ?? nameFromPath(url) };
      }
      case "cluster": {
        const ns = p.get("namespace");
        return { type: "remote", uses: `cluster:${ns !== undefined && ns !== "" ? `${ns}/` : ""}${named ?? "?"}`, pinned: false, line, name: named ?? null };
      }
      default:
        return { type: "remote", uses: `${resolver}:${named ?? [...p.values()].join(",")}`, pinned: false, line, name: named ?? null };
    }
  }
  const bundle = field("bundle");
  if (bundle !== null) return { type: "remote", uses: `bundles:${bundle}`, pinned: DIGEST.test(bundle), line, name };
  const kind = field("kind");
  const apiVersion = field("apiVersion");
  if (apiVersion !== null && kind !== null && kind !== "Task" && kind !== "ClusterTask" && kind !== "Pipeline" && kind !== "StepAction") {
    return { type: "custom", uses: `custom:${apiVersion}/${kind}${name !== null ? `/${name}` : ""}`, line };
  }
  if (name !== null && name !== "") return { type: "name", name, line };
  return null;
}

/** `uses: cluster:…` references name a definition of the cluster, not fetched content: no finding reads them as unpinned. */
export function isClusterRef(uses: string): boolean {
  return uses.startsWith("cluster:");
}

/** The name a remote reference defines, when it says: the resolver's `name`, else the file's name. */
function nameFromPath(path: string): string | null {
  const base = path.split(/[?#]/)[0]?.split("/").pop() ?? "";
  const m = /^(.+)\.ya?ml$/i.exec(base);
  return m?.[1] ?? null;
}

export interface AnnotationRef {
  /** A path of the repository (`.tekton/tasks/x.yaml`), pinned to the event's commit. */
  path?: string;
  uses: string;
  pinned: boolean;
  line: number;
  /** The Task or Pipeline name the reference is expected to define. */
  name: string | null;
}

/**
 * The entries of `pipelinesascode.tekton.dev/task` (also `task-1`, `task-2`…) or `…/pipeline`:
 * `[git-clone, golang-test:0.2, https://…/x.yaml, .tekton/tasks/y.yaml]`. A bare name is a
 * Tekton Hub (Artifact Hub) task at its latest version, `name:version` a given version; a URL is
 * fetched as is; anything ending in `.yaml` without a scheme is a file of the repository.
 */
export function annotationRefs(value: string, line: number): AnnotationRef[] {
  const body = value.trim().replace(/^\[/, "").replace(/\]$/, "");
  const out: AnnotationRef[] = [];
  for (const raw of body.split(",")) {
    const entry = raw.trim().replace(/^["']/, "").replace(/["']$/, "").trim();
    if (entry === "") continue;
    if (/^https?:\/\//i.test(entry)) out.push({ uses: entry, pinned: urlHasCommit(entry), line, name: nameFromPath(entry) });
    else if (/\.ya?ml$/i.test(entry) && !entry.includes("://")) out.push({ path: entry.replace(/^\.\//, ""), uses: `./${entry.replace(/^\.\//, "")}`, pinned: true, line, name: nameFromPath(entry) });
    else {
      const colon = entry.lastIndexOf(":");
      const name = colon > 0 ? entry.slice(0, colon) : entry;
      const version = colon > 0 ? entry.slice(colon + 1) : "latest";
      out.push({ uses: `hub:${name}@${version}`, pinned: false, line, name });
    }
  }
  return out;
}

/** Lighthouse's step inheritance: `image: uses:owner/repo/path.yaml@ref` (the steps come from there). */
export function lighthouseUses(image: string): { uses: string; pinned: boolean } | null {
  if (!image.startsWith("uses:")) return null;
  const target = image.slice("uses:".length).trim();
  const at = target.lastIndexOf("@");
  return { uses: target, pinned: at > 0 && isCommit(target.slice(at + 1)) };
}
